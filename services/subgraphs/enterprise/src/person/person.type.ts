import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/**
 * The registry's `Person`, known here only by its pseudonymous id; this subgraph adds
 * `employment` (see `PersonResolver`).
 */
@Directive('@key(fields: "id")')
@ObjectType()
export class Person {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: string;
}
