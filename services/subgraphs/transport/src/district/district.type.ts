import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/** The registry's District, referenced by code only: this subgraph cannot resolve it. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class District {
  @Classified("PUBLIC")
  @Field(() => ID)
  code!: string;
}
