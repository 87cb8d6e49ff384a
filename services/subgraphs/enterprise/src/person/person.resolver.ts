import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { Person } from "./person.type.ts";
import { Employment } from "../employment/employment.type.ts";
import type { EnterpriseContext } from "../context.ts";

@Resolver(() => Person)
export class PersonResolver {
  @Classified("PERSONAL", "EMPLOYMENT")
  @FieldResolver(() => Employment, { nullable: true, description: "Current employment on record; null when none." })
  employment(@Root() person: Person, @Ctx() context: EnterpriseContext) {
    return context.loaders.employment.byPerson.load(person.id);
  }
}
