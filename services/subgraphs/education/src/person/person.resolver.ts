import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { Person } from "./person.type.ts";
import { Enrolment } from "../enrolment/enrolment.type.ts";
import type { EducationContext } from "../context.ts";

@Resolver(() => Person)
export class PersonResolver {
  @Classified("SENSITIVE", "MINOR")
  @FieldResolver(() => Enrolment, {
    nullable: true,
    description: "The person's school place; null for anyone not at school.",
  })
  enrolment(@Root() person: Person, @Ctx() context: EducationContext) {
    return context.loaders.enrolment.byPerson.load(person.id);
  }
}
