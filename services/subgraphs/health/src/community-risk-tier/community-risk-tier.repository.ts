import { districtWhere, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { CommunityRiskLevel } from "./community-risk-tier.type.ts";

/** Columns every CommunityRiskTier query reads. */
export const COMMUNITY_RISK_TIER_SELECT = {
  communityId: true,
  level: true,
  since: true,
  reason: true,
  districtCode: true,
} as const;

/**
 * Community risk-tier reads. Pages are ordered by community id. Tiers are district-bound (the
 * community's district): lists and lookups are limited to the row scope.
 */
export class CommunityRiskTierRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findByCommunityIds(communityIds: readonly number[]) {
    return this.prisma.communityRiskTier.findMany({
      where: { communityId: { in: [...communityIds] }, districtCode: districtWhere(this.scope) },
      select: COMMUNITY_RISK_TIER_SELECT,
    });
  }

  /** One page of tiers, filtered by district and/or level: `limit + 1` rows. */
  list(filter: { districtCode?: string; level?: CommunityRiskLevel }, limit: number, after?: CursorKey) {
    return this.prisma.communityRiskTier.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        level: filter.level,
        communityId: after ? { gt: Number(after[0]) } : undefined,
      },
      select: COMMUNITY_RISK_TIER_SELECT,
      orderBy: { communityId: "asc" },
      take: limit + 1,
    });
  }
}
