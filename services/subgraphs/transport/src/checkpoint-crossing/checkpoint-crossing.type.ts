import { ArgsType, Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified, PageArgs, PageInfo } from "@citygraph/core";

export enum CrossingDirection {
  IN = "IN",
  OUT = "OUT",
}
registerEnumType(CrossingDirection, {
  name: "CrossingDirection",
  description: "Whether a crossing enters or leaves Zhengzhou (or the district, at inner checkpoints).",
});

@ObjectType({ description: "One passage recorded at a checkpoint (卡口过车/过人记录)." })
export class CheckpointCrossing {
  // Without the person or plate a crossing is traffic-flow data, internal to government.
  @Classified("INTERNAL")
  @Field(() => ID)
  id!: number;

  @Classified("PERSONAL", "PLATE")
  @Field(() => String, {
    nullable: true,
    description:
      "Plate of the vehicle, without separator (豫A12345, 豫AD12345); null at rail stations and the airport.",
  })
  plate!: string | null;

  @Classified("INTERNAL")
  @Field(() => GraphQLDateTime)
  time!: Date;

  @Classified("INTERNAL")
  @Field(() => CrossingDirection)
  direction!: CrossingDirection;

  @Classified("INTERNAL")
  @Field(() => String, { description: "The city the trip started from (行程来源地), e.g. 洛阳." })
  originCity!: string;

  /** Resolved by `CheckpointCrossingResolver.person`. */
  personId!: string;
  /** Resolved by `CheckpointCrossingResolver.checkpoint`. */
  checkpointCode!: string;
  /** The checkpoint's district, resolved by `CheckpointCrossingResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class CheckpointCrossingConnection {
  @Classified("PUBLIC")
  @Field(() => [CheckpointCrossing])
  nodes!: CheckpointCrossing[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

/** `first`/`after` plus the closed-open time window every crossings list accepts. */
@ArgsType()
export class CrossingPageArgs extends PageArgs {
  @Field(() => GraphQLDateTime, { nullable: true, description: "Earliest time, inclusive." })
  from?: Date | null;

  @Field(() => GraphQLDateTime, {
    nullable: true,
    description: "Latest time, exclusive. At most 31 days after `from`.",
  })
  to?: Date | null;
}
