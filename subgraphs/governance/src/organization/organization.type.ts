import { Directive, Field, ID, ObjectType } from "type-graphql";
import { GraphQLDateTime } from "graphql-scalars";
import { Classified, PageInfo } from "@citygraph/core";
import { REQUIRES_GOVERNANCE_ADMIN } from "../agreement/agreement.access.ts";

@ObjectType({ description: "A company or institution outside the government that holds data-operation agreements." })
export class Organization {
  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => ID)
  id!: string;

  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => String)
  name!: string;

  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => String, { description: "Unified social credit code (统一社会信用代码, GB 32100)." })
  creditCode!: string;

  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => GraphQLDateTime)
  createdAt!: Date;
}

@ObjectType()
export class OrganizationConnection {
  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => [Organization])
  nodes!: Organization[];

  @Classified("PUBLIC")
  @Directive(REQUIRES_GOVERNANCE_ADMIN)
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
