import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/** The registry's Person, extended with checkpoint crossings and traveller registrations. Only the key lives here. */
@Directive('@key(fields: "id")')
@ObjectType()
export class Person {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: string;
}
