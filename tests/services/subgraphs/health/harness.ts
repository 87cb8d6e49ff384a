import { healthSubgraph } from "@citygraph/subgraph-health";
import { startSubgraphHarness, type SubgraphHarness } from "../../../support/subgraph-harness.ts";

export { firstError, type GraphQLResponse as Response } from "../../../support/subgraph-harness.ts";

/** The health subgraph in-process on its own migrated, scale-1 database. */
export type HealthHarness = SubgraphHarness;

/**
 * Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0.
 * Under `npm test` the database is a copy of the run's seeded template, and both steps are no-ops.
 */
export function startHealth(): Promise<HealthHarness> {
  return startSubgraphHarness(healthSubgraph, { template: process.env.CITYGRAPH_TEST_TEMPLATE || undefined });
}

/** Representations of persons, as the gateway sends them. */
export function personRepresentations(ids: readonly string[]): { __typename: "Person"; id: string }[] {
  return ids.map((id) => ({ __typename: "Person", id }));
}
