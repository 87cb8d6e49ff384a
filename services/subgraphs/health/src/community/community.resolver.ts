import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { Community } from "./community.type.ts";
import { CommunityRiskTier } from "../community-risk-tier/community-risk-tier.type.ts";
import type { HealthContext } from "../context.ts";

/** The health commission's field on the registry's Community. */
@Resolver(() => Community)
export class CommunityResolver {
  @Classified("PUBLIC")
  @FieldResolver(() => CommunityRiskTier, {
    nullable: true,
    description:
      "The community's tier under the three-zone management; null if the commission has not tiered it.",
  })
  riskTier(@Root() community: Community, @Ctx() context: HealthContext): Promise<CommunityRiskTier | null> {
    return context.loaders.communityRiskTier.byCommunity.load(community.id);
  }
}
