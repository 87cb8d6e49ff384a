import { createByKeyLoader } from "@citygraph/core";
import type { CommunityRiskTierRepository } from "./community-risk-tier.repository.ts";

/** Per-request CommunityRiskTier loaders. */
export function createCommunityRiskTierLoaders(repository: CommunityRiskTierRepository) {
  return {
    byCommunity: createByKeyLoader(
      (communityIds: readonly number[]) => repository.findByCommunityIds(communityIds),
      (t) => t.communityId,
    ),
  };
}
