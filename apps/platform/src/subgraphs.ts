import type { SubgraphDefinition, SubgraphName } from "@citygraph/core";
import { registrySubgraph } from "@citygraph/subgraph-registry";
import { healthSubgraph } from "@citygraph/subgraph-health";
import { transportSubgraph } from "@citygraph/subgraph-transport";
import { educationSubgraph } from "@citygraph/subgraph-education";
import { enterpriseSubgraph } from "@citygraph/subgraph-enterprise";
import { governanceSubgraph } from "@citygraph/subgraph-governance";

/** Every subgraph of the platform by name, in start-up order (the registry first: others reference it). */
export const SUBGRAPHS: Partial<Record<SubgraphName, SubgraphDefinition>> = {
  registry: registrySubgraph,
  health: healthSubgraph,
  transport: transportSubgraph,
  education: educationSubgraph,
  enterprise: enterpriseSubgraph,
  governance: governanceSubgraph,
};
