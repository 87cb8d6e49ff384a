import { Field, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate, GraphQLDateTime } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

/** Where a school stands on returning to classroom teaching; values match the database enum. */
export enum ReopeningStatus {
  CLOSED = "CLOSED",
  ONLINE = "ONLINE",
  PARTIAL = "PARTIAL",
  REOPENED = "REOPENED",
}
registerEnumType(ReopeningStatus, {
  name: "ReopeningStatus",
  description: "A school's teaching status during epidemic control (复学复课).",
  valuesConfig: {
    CLOSED: { description: "No teaching; the campus is sealed." },
    ONLINE: { description: "All grades taught online (停课不停学)." },
    PARTIAL: { description: "Some grades back on site, the others online." },
    REOPENED: { description: "All grades back on site." },
  },
});

@ObjectType({
  description: "A school's reopening status, as approved by the district's epidemic-control command.",
})
export class SchoolReopening {
  @Classified("PUBLIC")
  @Field(() => ReopeningStatus)
  status!: ReopeningStatus;

  @Classified("PUBLIC")
  @Field(() => GraphQLDate, { nullable: true, description: "Planned return date; null while none is set." })
  plannedDate!: Date | null;

  @Classified("PUBLIC")
  @Field(() => GraphQLDate, {
    nullable: true,
    description: "First day students were back on site; null until then.",
  })
  reopenedDate!: Date | null;

  @Classified("PUBLIC")
  @Field(() => [Int], { description: "Grades taught on site, ascending; empty while closed or online." })
  gradesOnSite!: number[];

  @Classified("INTERNAL")
  @Field(() => String, { description: "The approval or decision as recorded by the bureau." })
  approvalNote!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { description: "When the status was last changed." })
  updatedAt!: Date;

  /** Resolved by `SchoolReopeningResolver.school` through the per-request loader. */
  schoolId!: number;
  districtCode!: string;
}

@ObjectType()
export class SchoolReopeningConnection {
  @Classified("PUBLIC")
  @Field(() => [SchoolReopening])
  nodes!: SchoolReopening[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
