import { Field, Float, ID, ObjectType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

@ObjectType({
  description:
    "A patient's visit to a fever clinic: triage temperature, symptoms and the diagnosis recorded.",
})
export class FeverClinicVisit {
  @Classified("INTERNAL")
  @Field(() => ID)
  id!: number;

  @Classified("INTERNAL")
  @Field(() => GraphQLDateTime, { description: "When the patient was registered at triage." })
  visitedAt!: Date;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => Float, { description: "Body temperature at triage, °C, one decimal." })
  temperature!: number;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => [String], { description: "Symptoms recorded at triage, e.g. 发热, 咳嗽, 咽痛." })
  symptoms!: string[];

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => String, { description: "The diagnosis recorded at the visit." })
  diagnosis!: string;

  /** Resolved by `FeverClinicVisitResolver.person`. */
  personId!: string;
  /** Resolved by `FeverClinicVisitResolver.clinic`. */
  clinicId!: number;
  /** The clinic's district; resolved by `FeverClinicVisitResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class FeverClinicVisitConnection {
  @Classified("PUBLIC")
  @Field(() => [FeverClinicVisit])
  nodes!: FeverClinicVisit[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
