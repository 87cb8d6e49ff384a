import { buildFederatedSchema } from "@citygraph/core";
import { DataAssetResolver } from "./data-asset/data-asset.resolver.ts";
import type { GovernanceContext } from "./context.ts";

/** The governance subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildGovernanceSchema() {
  return buildFederatedSchema<GovernanceContext>({ resolvers: [DataAssetResolver] });
}
