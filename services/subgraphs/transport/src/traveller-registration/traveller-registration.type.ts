import { Field, ID, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

export enum TravelPurpose {
  WORK = "WORK",
  BUSINESS = "BUSINESS",
  FAMILY_VISIT = "FAMILY_VISIT",
  TOURISM = "TOURISM",
  STUDY = "STUDY",
  MEDICAL = "MEDICAL",
  TRANSIT = "TRANSIT",
  OTHER = "OTHER",
}
registerEnumType(TravelPurpose, {
  name: "TravelPurpose",
  description: "The declared purpose of a trip to Zhengzhou.",
});

@ObjectType({ description: "An incoming traveller's registration (来郑人员登记)." })
export class TravellerRegistration {
  // Without the person a registration is statistics (where from, when, why, to which district).
  @Classified("INTERNAL")
  @Field(() => ID)
  id!: number;

  @Classified("INTERNAL")
  @Field(() => String, { description: "The city the traveller came from, e.g. 武汉." })
  originCity!: string;

  @Classified("INTERNAL")
  @Field(() => GraphQLDate, { description: "Arrival date, Beijing time." })
  arrivalDate!: Date;

  @Classified("INTERNAL")
  @Field(() => TravelPurpose)
  purpose!: TravelPurpose;

  // A health measure ordered for a person: health information, as in the health subgraph.
  @Classified("SENSITIVE", "HEALTH")
  @Field(() => Boolean, {
    nullable: true,
    description: "Whether the destination district must arrange quarantine or health monitoring.",
  })
  quarantineRequired!: boolean;

  /** Resolved by `TravellerRegistrationResolver.person`. */
  personId!: string;
  /** The destination district, resolved by `TravellerRegistrationResolver.destinationDistrict`. */
  districtCode!: string;
}

@ObjectType()
export class TravellerRegistrationConnection {
  @Classified("PUBLIC")
  @Field(() => [TravellerRegistration])
  nodes!: TravellerRegistration[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
