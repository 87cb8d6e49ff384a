import { Field, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

/** The three-colour community management tiers (三区划分). Same strings as the database enum. */
export const CommunityRiskLevel = { LOW: "LOW", MEDIUM: "MEDIUM", HIGH: "HIGH" } as const;
export type CommunityRiskLevel = (typeof CommunityRiskLevel)[keyof typeof CommunityRiskLevel];
registerEnumType(CommunityRiskLevel, {
  name: "CommunityRiskLevel",
  description: "A community's tier under the three-zone management (封控区 / 管控区 / 防范区).",
  valuesConfig: {
    LOW: {
      description:
        "防范区 (precaution zone): normal life with gatherings strictly limited; also the routine state of every community.",
    },
    MEDIUM: {
      description:
        "管控区 (controlled zone): residents stay inside the zone (人不出区), gatherings are banned.",
    },
    HIGH: {
      description:
        "封控区 (sealed zone): residents stay at home (足不出户), services are delivered to the door.",
    },
  },
});

@ObjectType({ description: "A community's current tier under the three-zone management." })
export class CommunityRiskTier {
  @Classified("PUBLIC")
  @Field(() => CommunityRiskLevel)
  level!: CommunityRiskLevel;

  @Classified("PUBLIC")
  @Field(() => GraphQLDate, { description: "The day (Beijing time) the community entered this tier." })
  since!: Date;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Why the community is in this tier, as announced." })
  reason!: string;

  /** Resolved by `CommunityRiskTierResolver.community`. */
  communityId!: number;
  /** Resolved by `CommunityRiskTierResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class CommunityRiskTierConnection {
  @Classified("PUBLIC")
  @Field(() => [CommunityRiskTier])
  nodes!: CommunityRiskTier[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
