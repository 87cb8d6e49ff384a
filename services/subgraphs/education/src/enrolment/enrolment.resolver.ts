import { Ctx, FieldResolver, Resolver, Root } from "type-graphql";
import { Classified } from "@citygraph/core";
import { Enrolment } from "./enrolment.type.ts";
import { Person } from "../person/person.type.ts";
import { School } from "../school/school.type.ts";
import { className } from "../school/school.grades.ts";
import type { EducationContext } from "../context.ts";

@Resolver(() => Enrolment)
export class EnrolmentResolver {
  @Classified("SENSITIVE", "MINOR")
  @FieldResolver(() => Person, { description: "The pupil; the registry resolves the rest." })
  student(@Root() enrolment: Enrolment): Person {
    return { id: enrolment.personId };
  }

  @Classified("SENSITIVE", "MINOR")
  @FieldResolver(() => School)
  async school(@Root() enrolment: Enrolment, @Ctx() context: EducationContext): Promise<School> {
    // The foreign key guarantees the row.
    return (await context.loaders.school.byId.load(enrolment.schoolId))!;
  }

  @Classified("SENSITIVE", "MINOR")
  @FieldResolver(() => String, { description: "The class as notices write it, e.g. 三年级(2)班." })
  className(@Root() enrolment: Enrolment): string {
    return className(enrolment.grade, enrolment.classNumber);
  }
}
