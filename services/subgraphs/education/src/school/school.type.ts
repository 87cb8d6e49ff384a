import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { Classified, PageInfo } from "@citygraph/core";

/** The stage a school teaches; values match the database enum. */
export enum SchoolStage {
  PRIMARY = "PRIMARY",
  JUNIOR_SECONDARY = "JUNIOR_SECONDARY",
  SENIOR_SECONDARY = "SENIOR_SECONDARY",
}
registerEnumType(SchoolStage, {
  name: "SchoolStage",
  description: "Stage of compulsory and senior schooling a school teaches.",
  valuesConfig: {
    PRIMARY: { description: "小学, grades 1-6." },
    JUNIOR_SECONDARY: { description: "初中, grades 7-9." },
    SENIOR_SECONDARY: { description: "高中, grades 10-12." },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: "A primary or secondary school registered with the education bureau." })
export class School {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: number;

  @Classified("PUBLIC")
  @Field(() => String, { description: "Registered name, unique city-wide, e.g. 郑州市金水区实验小学." })
  name!: string;

  @Classified("PUBLIC")
  @Field(() => SchoolStage)
  stage!: SchoolStage;

  @Classified("PUBLIC")
  @Field(() => String)
  address!: string;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Approved number of places (核定学位数)." })
  capacity!: number;

  /** Resolved by `SchoolResolver.district` as a registry reference. */
  districtCode!: string;
}

@ObjectType()
export class SchoolConnection {
  @Classified("PUBLIC")
  @Field(() => [School])
  nodes!: School[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
