import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/** The registry's `District`, pointed at by code; this subgraph cannot resolve its fields. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class District {
  @Classified("PUBLIC")
  @Field(() => ID)
  code!: string;
}
