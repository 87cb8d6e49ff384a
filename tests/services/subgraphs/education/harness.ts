import { educationSubgraph } from "@citygraph/subgraph-education";
import { startSubgraphHarness, type SubgraphHarness } from "../../../support/subgraph-harness.ts";

export {
  firstError,
  type Connection,
  type GraphQLResponse as Response,
} from "../../../support/subgraph-harness.ts";

/** The education subgraph in-process on its own migrated, scale-1 database. */
export type EducationHarness = SubgraphHarness;

/** Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0. */
export function startEducation(): Promise<EducationHarness> {
  return startSubgraphHarness(educationSubgraph);
}
