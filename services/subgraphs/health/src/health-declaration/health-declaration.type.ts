import { Field, Float, ID, ObjectType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

@ObjectType({
  description:
    "A daily health self-declaration (每日健康申报), required of pupils, teachers and staff of reopened workplaces.",
})
export class HealthDeclaration {
  @Classified("INTERNAL")
  @Field(() => ID)
  id!: number;

  @Classified("INTERNAL")
  @Field(() => GraphQLDate, {
    description: "The day (Beijing time) declared for; one declaration per person and day.",
  })
  declaredOn!: Date;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => Float, { description: "Self-measured body temperature, °C, one decimal." })
  temperature!: number;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => Boolean, {
    description: "Whether the person declared fever, cough, sore throat or other symptoms.",
  })
  hasSymptoms!: boolean;

  @Classified("SENSITIVE", "TRAVEL")
  @Field(() => Boolean, {
    description:
      "Whether the person declared travel outside Zhengzhou, or through a medium- or high-risk area, in the last 14 days.",
  })
  travelHistory!: boolean;

  /** Resolved by `HealthDeclarationResolver.person`. */
  personId!: string;
  /** The person's registered district; resolved by `HealthDeclarationResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class HealthDeclarationConnection {
  @Classified("PUBLIC")
  @Field(() => [HealthDeclaration])
  nodes!: HealthDeclaration[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
