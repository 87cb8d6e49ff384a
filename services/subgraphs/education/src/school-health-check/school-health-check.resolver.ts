import { Arg, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Classified, Compares } from "@citygraph/core";
import { GraphQLDate } from "@citygraph/core";
import { SchoolHealthCheck } from "./school-health-check.type.ts";
import { School } from "../school/school.type.ts";
import { parseIntegerId, parseReportWindow } from "../validation.ts";
import type { EducationContext } from "../context.ts";

@Resolver(() => SchoolHealthCheck)
export class SchoolHealthCheckResolver {
  @Classified("INTERNAL")
  @Compares("from", "SchoolHealthCheck.date")
  @Compares("to", "SchoolHealthCheck.date")
  @Query(() => [SchoolHealthCheck], {
    description:
      "A school's daily health-check reports in [from, to), newest first; the window may span at most 92 days.",
  })
  schoolHealthChecks(
    @Arg("school", () => ID) school: string,
    @Arg("from", () => GraphQLDate) from: Date,
    @Arg("to", () => GraphQLDate, { description: "Exclusive." }) to: Date,
    @Ctx() context: EducationContext,
  ) {
    const schoolId = parseIntegerId("school", school);
    return context.loaders.schoolHealthCheck.bySchool.load({ schoolId, ...parseReportWindow(from, to) });
  }

  @Classified("INTERNAL")
  @FieldResolver(() => School)
  async school(@Root() check: SchoolHealthCheck, @Ctx() context: EducationContext): Promise<School> {
    return (await context.loaders.school.byId.load(check.schoolId))!;
  }
}
