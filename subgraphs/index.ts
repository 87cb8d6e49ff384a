import type { SubgraphDefinition, SubgraphName } from "@citygraph/core";
import { registrySubgraph } from "./registry/src/server.ts";
import { healthSubgraph } from "./health/src/server.ts";
import { transportSubgraph } from "./transport/src/server.ts";
import { educationSubgraph } from "./education/src/server.ts";
import { enterpriseSubgraph } from "./enterprise/src/server.ts";
import { governanceSubgraph } from "./governance/src/server.ts";

/** Every subgraph of the platform by name, in start-up order (the registry first: others reference it). */
export const SUBGRAPHS: Partial<Record<SubgraphName, SubgraphDefinition>> = {
  registry: registrySubgraph,
  health: healthSubgraph,
  transport: transportSubgraph,
  education: educationSubgraph,
  enterprise: enterpriseSubgraph,
  governance: governanceSubgraph,
};
