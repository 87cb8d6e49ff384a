import { Directive, Field, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDate, GraphQLDateTime } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

export enum ResumptionStatus {
  SUBMITTED = "SUBMITTED",
  APPROVED = "APPROVED",
  REJECTED = "REJECTED",
  WITHDRAWN = "WITHDRAWN",
}
registerEnumType(ResumptionStatus, {
  name: "ResumptionStatus",
  description: "Where a work-resumption application stands.",
  valuesConfig: {
    SUBMITTED: { description: "Awaiting the district's review." },
    APPROVED: { description: "Staff may return on site, up to `headcountApproved`." },
    REJECTED: { description: "Refused; `reviewerNote` says why. The enterprise may apply again." },
    WITHDRAWN: { description: "Withdrawn by the enterprise before a decision." },
  },
});

@Directive('@key(fields: "id")')
@ObjectType({ description: "A work-resumption application (复工复产申请) an enterprise filed with its district." })
export class WorkResumptionApplication {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: number;

  @Classified("INTERNAL")
  @Field(() => GraphQLDateTime)
  submittedAt!: Date;

  @Classified("INTERNAL")
  @Field(() => ResumptionStatus)
  status!: ResumptionStatus;

  @Classified("INTERNAL")
  @Field(() => GraphQLDate, { description: "The day the enterprise plans to resume on-site work." })
  plannedResumptionDate!: Date;

  @Classified("INTERNAL")
  @Field(() => GraphQLDateTime, { nullable: true, description: "Set only when `status` is APPROVED." })
  approvedAt!: Date | null;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Staff the enterprise asked to bring back on site." })
  headcountRequested!: number;

  @Classified("INTERNAL")
  @Field(() => Int, { nullable: true, description: "Staff allowed on site; set only when approved, possibly fewer than requested." })
  headcountApproved!: number | null;

  @Classified("INTERNAL")
  @Field(() => String, { description: "Epidemic-prevention measures the enterprise committed to (防控措施)." })
  preventionMeasures!: string;

  @Classified("INTERNAL")
  @Field(() => String, { nullable: true, description: "The reviewing officer's note: conditions of approval or reasons for refusal." })
  reviewerNote!: string | null;

  /** Resolved by `WorkResumptionApplicationResolver.enterprise`. */
  enterpriseCreditCode!: string;
  /** Resolved by `WorkResumptionApplicationResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class WorkResumptionApplicationConnection {
  @Classified("PUBLIC")
  @Field(() => [WorkResumptionApplication])
  nodes!: WorkResumptionApplication[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
