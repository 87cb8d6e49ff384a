import { Directive, Field, ID, Int, ObjectType } from "type-graphql";
import { Classified, PageInfo } from "@citygraph/core";

@Directive('@key(fields: "id")')
@ObjectType({ description: "A residential community (小区), the unit of the three-colour community management." })
export class Community {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: number;

  @Classified("PUBLIC")
  @Field(() => String)
  name!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The sub-district (街道) or town." })
  subdistrict!: string;

  @Classified("INTERNAL")
  @Field(() => Int, { description: "Registered households." })
  households!: number;

  /** Resolved by `CommunityResolver.district`; the column is kept for the loader. */
  districtCode!: string;
}

@ObjectType()
export class CommunityConnection {
  @Classified("PUBLIC")
  @Field(() => [Community])
  nodes!: Community[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
