import { Field, Int, ObjectType } from "type-graphql";
import { GraphQLDate } from "graphql-scalars";
import { Classified } from "@citygraph/core";

@ObjectType({
  description:
    "One district's newly reported cases on one day, as the health commission publishes them each morning.",
})
export class CaseCount {
  @Classified("PUBLIC")
  @Field(() => GraphQLDate, { description: "The reporting day (Beijing time)." })
  date!: Date;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "New confirmed cases (确诊病例)." })
  confirmed!: number;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "New asymptomatic infections (无症状感染者)." })
  asymptomatic!: number;

  @Classified("PUBLIC")
  @Field(() => Int, {
    description: "Cases discharged and infections released from medical observation that day.",
  })
  recovered!: number;

  /** Resolved by `CaseCountResolver.district`. */
  districtCode!: string;
}
