import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { PageInfo } from "@citygraph/core";

@Directive('@key(fields: "id")')
@ObjectType({ description: "A residential community (小区), the unit of the three-colour community management." })
export class Community {
  @Field(() => ID)
  id!: number;

  @Field(() => String)
  name!: string;

  @Field(() => String, { description: "The sub-district (街道) or town." })
  subdistrict!: string;

  @Field(() => Int, { description: "Registered households." })
  households!: number;

  /** Resolved by `CommunityResolver.district`; the column is kept for the loader. */
  districtCode!: string;
}

@ObjectType()
export class CommunityConnection {
  @Field(() => [Community])
  nodes!: Community[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
