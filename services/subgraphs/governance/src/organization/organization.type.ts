import { Field, ID, ObjectType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Restricted, PageInfo } from "@citygraph/core";
import { GOVERNANCE_ADMIN } from "../agreement/agreement.access.ts";

@ObjectType({ description: "A company or institution outside the government that holds data-operation agreements." })
export class Organization {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => ID)
  id!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String)
  name!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Unified social credit code (统一社会信用代码, GB 32100)." })
  creditCode!: string;

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  createdAt!: Date;
}

@ObjectType()
export class OrganizationConnection {
  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => [Organization])
  nodes!: Organization[];

  @Restricted(GOVERNANCE_ADMIN)
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
