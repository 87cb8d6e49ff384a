import type { SeedPlan, SubgraphDefinition, SubgraphName } from "@citygraph/core";

/**
 * Each subgraph's definition, loaded on demand: `citygraph serve <name>` imports only the one it
 * runs (and `serve gateway` none), where {@link SUBGRAPHS} loads all six with their Prisma clients.
 */
export const SUBGRAPH_LOADERS: Record<SubgraphName, () => Promise<SubgraphDefinition>> = {
  registry: async () => (await import("@citygraph/subgraph-registry")).registrySubgraph,
  health: async () => (await import("@citygraph/subgraph-health")).healthSubgraph,
  transport: async () => (await import("@citygraph/subgraph-transport")).transportSubgraph,
  education: async () => (await import("@citygraph/subgraph-education")).educationSubgraph,
  enterprise: async () => (await import("@citygraph/subgraph-enterprise")).enterpriseSubgraph,
  governance: async () => (await import("@citygraph/subgraph-governance")).governanceSubgraph,
};

/**
 * Each subgraph's seed plan alone, without its schema and resolvers: what `citygraph start` and
 * `citygraph seed` need, at a fraction of the subgraph's start-up.
 */
export const SEED_LOADERS: Record<SubgraphName, () => Promise<SeedPlan>> = {
  registry: async () => (await import("@citygraph/subgraph-registry/seed")).registrySeed,
  health: async () => (await import("@citygraph/subgraph-health/seed")).healthSeed,
  transport: async () => (await import("@citygraph/subgraph-transport/seed")).transportSeed,
  education: async () => (await import("@citygraph/subgraph-education/seed")).educationSeed,
  enterprise: async () => (await import("@citygraph/subgraph-enterprise/seed")).enterpriseSeed,
  governance: async () => (await import("@citygraph/subgraph-governance/seed")).governanceSeed,
};

let seeds: Promise<Record<SubgraphName, SeedPlan>> | undefined;

/**
 * Every subgraph's seed plan, loaded once per process. `citygraph start` calls it first thing, so
 * they load while embedded PostgreSQL boots.
 */
export function loadSeedPlans(): Promise<Record<SubgraphName, SeedPlan>> {
  seeds ??= Promise.all(Object.entries(SEED_LOADERS).map(async ([name, load]) => [name, await load()] as const)).then(
    (entries) => Object.fromEntries(entries) as Record<SubgraphName, SeedPlan>,
  );
  return seeds;
}
