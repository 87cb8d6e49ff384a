import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/** The registry's Community, extended with its risk tier (see `CommunityResolver`). */
@Directive('@key(fields: "id")')
@ObjectType()
export class Community {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: number;
}
