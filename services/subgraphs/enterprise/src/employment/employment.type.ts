import { Field, ObjectType } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

@ObjectType({ description: "A person's current job with an enterprise, as the employer reports it." })
export class Employment {
  @Classified("PERSONAL", "EMPLOYMENT")
  @Field(() => String, { description: "Job title, e.g. 质检员." })
  position!: string;

  @Classified("PERSONAL", "EMPLOYMENT")
  @Field(() => GraphQLDate, { description: "Date the person joined the enterprise." })
  since!: Date;

  /** Resolved by `EmploymentResolver.person`. */
  personId!: string;
  /** Resolved by `EmploymentResolver.enterprise`. */
  enterpriseCreditCode!: string;
  /** The employer's district; resolved by `EmploymentResolver.district`. */
  districtCode!: string;
}

@ObjectType()
export class EmploymentConnection {
  @Classified("PUBLIC")
  @Field(() => [Employment])
  nodes!: Employment[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
