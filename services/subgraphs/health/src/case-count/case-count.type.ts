import { Field, Int, ObjectType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified } from "@citygraph/core";

// Aggregates are INTERNAL under the classification rules, although the commission announces the
// figures each morning: opening them to anonymous callers is a policy decision, not this type's.
@ObjectType({
  description:
    "One district's newly reported cases on one day, as the health commission publishes them each morning.",
})
export class CaseCount {
  @Classified("INTERNAL")
  @Field(() => GraphQLDate, { description: "The reporting day (Beijing time)." })
  date!: Date;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "New confirmed cases (确诊病例)." })
  confirmed!: number;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "New asymptomatic infections (无症状感染者)." })
  asymptomatic!: number;

  @Classified("INTERNAL")
  @Field(() => Int, {
    description: "Cases discharged and infections released from medical observation that day.",
  })
  recovered!: number;

  /** Resolved by `CaseCountResolver.district`. */
  districtCode!: string;
}
