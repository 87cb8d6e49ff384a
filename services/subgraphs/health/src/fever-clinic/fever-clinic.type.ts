import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

@Directive('@key(fields: "id")')
@ObjectType({
  description:
    "A hospital's fever clinic (发热门诊), where patients with fever are screened apart from other outpatients.",
})
export class FeverClinic {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: number;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The clinic's name, e.g. 郑州大学第一附属医院河医院区发热门诊." })
  name!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The hospital (or hospital campus) that runs the clinic." })
  hospital!: string;

  @Classified("PUBLIC")
  @Field(() => String, {
    description: "The hospital's grade under the national grading scheme, e.g. 三级甲等.",
  })
  grade!: string;

  /** Resolved by `FeverClinicResolver.district`. */
  districtCode!: string;
}
