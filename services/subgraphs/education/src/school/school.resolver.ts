import { Arg, Args, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, Compares, DeclaredOrder, OrderedBy, PageArgs, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import { School, SchoolConnection, SchoolStage } from "./school.type.ts";
import { District } from "../district/district.type.ts";
import { EnrolmentConnection } from "../enrolment/enrolment.type.ts";
import { ROSTER_CURSOR_ARITY } from "../enrolment/enrolment.repository.ts";
import { SchoolReopening } from "../school-reopening/school-reopening.type.ts";
import { SchoolHealthCheck } from "../school-health-check/school-health-check.type.ts";
import { decodeIntegerCursor, parseGrade, parseIntegerId, parseReportWindow } from "../validation.ts";
import type { EducationContext } from "../context.ts";

@Resolver(() => School)
export class SchoolResolver {
  @Classified("PUBLIC")
  @Query(() => School, { nullable: true })
  school(@Arg("id", () => ID) id: string, @Ctx() context: EducationContext): Promise<School | null> {
    return context.loaders.school.byId.load(parseIntegerId("id", id));
  }

  @Classified("PUBLIC")
  @Query(() => SchoolConnection, { description: "Schools, by id; filter by district and/or stage." })
  async schools(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true }) district: string | undefined,
    @Arg("stage", () => SchoolStage, { nullable: true }) stage: SchoolStage | undefined,
    @Ctx() context: EducationContext,
  ): Promise<SchoolConnection> {
    if (district) assertDistrictCode("district", district);
    const limit = pageSize(page.first);
    const rows = await context.repositories.school.list(
      { districtCode: district ?? undefined, stage: stage ?? undefined },
      limit,
      decodeIntegerCursor(page.after, 1),
    );
    return toPage(rows, limit, (s) => [s.id]);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District)
  district(@Root() school: School): District {
    return { code: school.districtCode };
  }

  @Classified("SENSITIVE", "MINOR")
  @Compares("grade", "Enrolment.grade")
  @OrderedBy("Enrolment.grade", "Enrolment.classNumber")
  @FieldResolver(() => EnrolmentConnection, {
    description:
      "Enrolled pupils by grade, class and id (by id for callers who may not read grades and classes); filter by grade.",
  })
  enrolments(
    @Root() school: School,
    @Args(() => PageArgs) page: PageArgs,
    @Arg("grade", () => Int, { nullable: true }) grade: number | undefined,
    @DeclaredOrder() declaredOrder: boolean,
    @Ctx() context: EducationContext,
  ) {
    const order = declaredOrder ? "roster" : "id";
    return context.loaders.enrolment.bySchool.load({
      parentId: String(school.id),
      args: { grade: parseGrade("grade", grade), order },
      limit: pageSize(page.first),
      after: decodeIntegerCursor(page.after, ROSTER_CURSOR_ARITY[order]),
    });
  }

  @Classified("PUBLIC")
  @FieldResolver(() => SchoolReopening, {
    nullable: true,
    description: "Current reopening status; null if none was filed.",
  })
  reopening(@Root() school: School, @Ctx() context: EducationContext) {
    return context.loaders.schoolReopening.bySchool.load(school.id);
  }

  @Classified("INTERNAL")
  @FieldResolver(() => [SchoolHealthCheck], {
    description:
      "Daily health-check reports in [from, to), newest first; the window may span at most 92 days.",
  })
  healthChecks(
    @Root() school: School,
    @Arg("from", () => GraphQLDate) from: Date,
    @Arg("to", () => GraphQLDate, { description: "Exclusive." }) to: Date,
    @Ctx() context: EducationContext,
  ) {
    return context.loaders.schoolHealthCheck.bySchool.load({
      schoolId: school.id,
      ...parseReportWindow(from, to),
    });
  }
}
