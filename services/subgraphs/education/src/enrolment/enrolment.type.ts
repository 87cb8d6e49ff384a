import { Field, ID, Int, ObjectType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

@ObjectType({ description: "A pupil's current place at a school (学籍)." })
export class Enrolment {
  @Classified("INTERNAL")
  @Field(() => ID)
  id!: number;

  @Classified("SENSITIVE", "MINOR")
  @Field(() => Int, { description: "1-6 primary, 7-9 junior secondary, 10-12 senior secondary." })
  grade!: number;

  @Classified("SENSITIVE", "MINOR")
  @Field(() => Int, { description: "Class within the grade, from 1." })
  classNumber!: number;

  @Classified("SENSITIVE", "MINOR")
  @Field(() => GraphQLDate, {
    description: "First day at this school: the start of the stage, or the day of a transfer.",
  })
  enrolledSince!: Date;

  /** Resolved by `EnrolmentResolver.student` as a registry reference. */
  personId!: string;
  /** Resolved by `EnrolmentResolver.school` through the per-request loader. */
  schoolId!: number;
  /** The school's district; kept for row scope. */
  districtCode!: string;
}

@ObjectType()
export class EnrolmentConnection {
  @Classified("PUBLIC")
  @Field(() => [Enrolment])
  nodes!: Enrolment[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
