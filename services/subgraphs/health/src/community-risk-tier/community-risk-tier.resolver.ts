import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, PageArgs, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import {
  CommunityRiskLevel,
  CommunityRiskTier,
  CommunityRiskTierConnection,
} from "./community-risk-tier.type.ts";
import { Community } from "../community/community.type.ts";
import { District } from "../district/district.type.ts";
import { decodeIdCursor } from "../cursor.ts";
import type { HealthContext } from "../context.ts";

@Resolver(() => CommunityRiskTier)
export class CommunityRiskTierResolver {
  @Classified("PUBLIC")
  @Query(() => CommunityRiskTierConnection, {
    description: "Community risk tiers, by community id; filter by district and level.",
  })
  async communityRiskTiers(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true, description: "District code (GB/T 2260)." })
    district: string | undefined,
    @Arg("level", () => CommunityRiskLevel, { nullable: true }) level: CommunityRiskLevel | undefined,
    @Ctx() context: HealthContext,
  ): Promise<CommunityRiskTierConnection> {
    if (district != null) assertDistrictCode("district", district);
    const limit = pageSize(page.first);
    const rows = await context.repositories.communityRiskTier.list(
      { districtCode: district ?? undefined, level: level ?? undefined },
      limit,
      decodeIdCursor(page.after),
    );
    return toPage(rows, limit, (t) => [t.communityId]);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => Community)
  community(@Root() tier: CommunityRiskTier): Community {
    return { id: tier.communityId };
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District)
  district(@Root() tier: CommunityRiskTier): District {
    return { code: tier.districtCode };
  }
}
