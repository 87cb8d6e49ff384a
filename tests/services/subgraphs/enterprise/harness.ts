import { enterpriseSubgraph } from "@citygraph/subgraph-enterprise";
import {
  migrateSubgraph,
  startSubgraphHarness,
  type SubgraphHarness,
} from "../../../support/subgraph-harness.ts";

export { firstError, type GraphQLResponse as Response } from "../../../support/subgraph-harness.ts";

/** The enterprise subgraph in-process on its own migrated, seeded database. */
export type EnterpriseHarness = SubgraphHarness;

/** Migrates the enterprise schema into a database. */
export function migrateEnterprise(url: string): Promise<string[]> {
  return migrateSubgraph("enterprise", url);
}

/** Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0. */
export function startEnterprise(): Promise<EnterpriseHarness> {
  return startSubgraphHarness(enterpriseSubgraph);
}
