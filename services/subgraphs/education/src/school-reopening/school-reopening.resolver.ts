import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, PageArgs, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import { ReopeningStatus, SchoolReopening, SchoolReopeningConnection } from "./school-reopening.type.ts";
import { School } from "../school/school.type.ts";
import { decodeIntegerCursor } from "../validation.ts";
import type { EducationContext } from "../context.ts";

@Resolver(() => SchoolReopening)
export class SchoolReopeningResolver {
  @Classified("PUBLIC")
  @Query(() => SchoolReopeningConnection, {
    description: "Schools' reopening status, by school id; filter by district and/or status.",
  })
  async schoolReopenings(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true }) district: string | undefined,
    @Arg("status", () => ReopeningStatus, { nullable: true }) status: ReopeningStatus | undefined,
    @Ctx() context: EducationContext,
  ): Promise<SchoolReopeningConnection> {
    if (district) assertDistrictCode("district", district);
    const limit = pageSize(page.first);
    const rows = await context.repositories.schoolReopening.list(
      { districtCode: district ?? undefined, status: status ?? undefined },
      limit,
      decodeIntegerCursor(page.after, 1),
    );
    return toPage(rows, limit, (r) => [r.schoolId]);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => School)
  async school(@Root() reopening: SchoolReopening, @Ctx() context: EducationContext): Promise<School> {
    return (await context.loaders.school.byId.load(reopening.schoolId))!;
  }
}
