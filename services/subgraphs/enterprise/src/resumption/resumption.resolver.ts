import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified, Compares, PageArgs, assertDateRange, assertDistrictCode, badUserInput, pageSize, toPage } from "@citygraph/core";
import { ResumptionStatus, WorkResumptionApplication, WorkResumptionApplicationConnection } from "./resumption.type.ts";
import { applicationCursorKey, decodeApplicationCursor } from "./resumption.cursor.ts";
import { Enterprise } from "../enterprise/enterprise.type.ts";
import { District } from "../district/district.type.ts";
import type { EnterpriseContext } from "../context.ts";

@Resolver(() => WorkResumptionApplication)
export class WorkResumptionApplicationResolver {
  @Classified("INTERNAL")
  @Query(() => WorkResumptionApplication, { nullable: true, description: "A work-resumption application by id." })
  workResumptionApplication(@Arg("id", () => ID) id: string, @Ctx() context: EnterpriseContext) {
    const numeric = Number(id);
    if (!/^\d+$/.test(id) || !Number.isSafeInteger(numeric) || numeric < 1 || numeric > 2_147_483_647) {
      throw badUserInput("id", "must be a positive integer");
    }
    return context.loaders.application.byId.load(numeric);
  }

  @Classified("INTERNAL")
  @Compares("from", "WorkResumptionApplication.submittedAt")
  @Compares("to", "WorkResumptionApplication.submittedAt")
  @Compares("status", "WorkResumptionApplication.status")
  @Query(() => WorkResumptionApplicationConnection, {
    description: "Work-resumption applications, newest first; filter by district, status and submission time.",
  })
  async workResumptionApplications(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true, description: "District code (GB/T 2260)." }) district: string | undefined,
    @Arg("status", () => ResumptionStatus, { nullable: true }) status: ResumptionStatus | undefined,
    @Arg("from", () => GraphQLDateTime, { nullable: true, description: "Submitted at or after this instant." }) from: Date | undefined,
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "Submitted before this instant." }) to: Date | undefined,
    @Ctx() context: EnterpriseContext,
  ): Promise<WorkResumptionApplicationConnection> {
    if (district !== undefined && district !== null) assertDistrictCode("district", district);
    assertDateRange({ from: from ?? undefined, to: to ?? undefined });
    const limit = pageSize(page.first);
    const rows = await context.repositories.application.list(
      { districtCode: district ?? undefined, status: status ?? undefined, from: from ?? undefined, to: to ?? undefined },
      limit,
      decodeApplicationCursor(page.after),
    );
    return toPage(rows, limit, applicationCursorKey);
  }

  @Classified("INTERNAL")
  @FieldResolver(() => Enterprise, { nullable: true, description: "The applicant." })
  enterprise(@Root() application: WorkResumptionApplication, @Ctx() context: EnterpriseContext): Promise<Enterprise | null> {
    return context.loaders.enterprise.byCreditCode.load(application.enterpriseCreditCode);
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { nullable: true, description: "The district that reviews the application: the enterprise's." })
  district(@Root() application: WorkResumptionApplication): District | null {
    return { code: application.districtCode };
  }
}
