import { Directive, Field, ID, ObjectType } from "type-graphql";
import { Classified } from "@citygraph/core";

/** A reference to the registry's District: health rows carry only the code, the registry resolves the rest. */
@Directive('@key(fields: "code", resolvable: false)')
@ObjectType()
export class District {
  @Classified("PUBLIC")
  @Field(() => ID)
  code!: string;
}
