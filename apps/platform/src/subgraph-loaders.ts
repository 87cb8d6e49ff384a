import type { SubgraphDefinition, SubgraphName } from "@citygraph/core";

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
