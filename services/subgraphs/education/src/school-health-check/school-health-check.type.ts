import { Field, Int, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";
import { GraphQLDate, GraphQLDateTime } from "@citygraph/core";

@ObjectType({
  description: "One day's health-check report of a school (晨午检): counts only, no pupil is named.",
})
export class SchoolHealthCheck {
  @Classified("INTERNAL")
  @Field(() => GraphQLDate, { description: "The day reported (Beijing date)." })
  date!: Date;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Enrolled pupils due to report." })
  studentsExpected!: number;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Pupils whose temperature and symptoms were checked." })
  studentsChecked!: number;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Pupils with a temperature of 37.3 °C or more." })
  withFever!: number;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Pupils absent for illness (因病缺课), those with fever included." })
  absentForIllness!: number;

  @Classified("INTERNAL")
  @Field(() => GraphQLDateTime, { description: "When the school filed the report." })
  reportedAt!: Date;

  /** Resolved by `SchoolHealthCheckResolver.school` through the per-request loader. */
  schoolId!: number;
  districtCode!: string;
}
