import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Classified, PageArgs, assertCreditCode, assertDistrictCode, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { Enterprise, EnterpriseConnection, Industry } from "./enterprise.type.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import { EmploymentConnection } from "../employment/employment.type.ts";
import {
  ResumptionStatus,
  WorkResumptionApplication,
  WorkResumptionApplicationConnection,
} from "../resumption/resumption.type.ts";
import { decodeApplicationCursor } from "../resumption/resumption.cursor.ts";
import type { EnterpriseContext } from "../context.ts";

@Resolver(() => Enterprise)
export class EnterpriseResolver {
  @Classified("PUBLIC")
  @Query(() => Enterprise, { nullable: true, description: "An enterprise by unified social credit code." })
  enterprise(@Arg("creditCode", () => ID) creditCode: string, @Ctx() context: EnterpriseContext): Promise<Enterprise | null> {
    assertCreditCode("creditCode", creditCode);
    return context.loaders.enterprise.byCreditCode.load(creditCode);
  }

  @Classified("PUBLIC")
  @Query(() => EnterpriseConnection, { description: "Enterprises by credit code; filter by district and industry." })
  async enterprises(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true, description: "District code (GB/T 2260)." }) district: string | undefined,
    @Arg("industry", () => Industry, { nullable: true }) industry: Industry | undefined,
    @Ctx() context: EnterpriseContext,
  ): Promise<EnterpriseConnection> {
    if (district !== undefined && district !== null) assertDistrictCode("district", district);
    const limit = pageSize(page.first);
    const rows = await context.repositories.enterprise.list(
      { districtCode: district ?? undefined, industry: industry ?? undefined },
      limit,
      decodeCursor(page.after, 1),
    );
    return toPage(rows, limit, (x) => [x.creditCode]);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District, { description: "The district whose bureau supervises the enterprise." })
  district(@Root() enterprise: Enterprise): District {
    return { code: enterprise.districtCode };
  }

  // The representative's name is public on the licence, but this links to the person's registry record.
  @Classified("INTERNAL")
  @FieldResolver(() => Person, { nullable: true, description: "The legal representative (法定代表人), resolved by the registry." })
  legalRepresentative(@Root() enterprise: Enterprise): Person | null {
    return { id: enterprise.legalRepresentativeId };
  }

  // Who works where is the employees' personal information, not the enterprise's.
  @Classified("PERSONAL", "EMPLOYMENT")
  @FieldResolver(() => EmploymentConnection, { nullable: true, description: "Staff on record, by person id." })
  employees(@Root() enterprise: Enterprise, @Args(() => PageArgs) page: PageArgs, @Ctx() context: EnterpriseContext) {
    return context.loaders.employment.byEnterprise.load({
      parentId: enterprise.creditCode,
      args: {},
      limit: pageSize(page.first),
      after: decodeCursor(page.after, 1),
    });
  }

  @Classified("INTERNAL")
  @FieldResolver(() => WorkResumptionApplicationConnection, {
    nullable: true,
    description: "Work-resumption applications, newest first.",
  })
  resumptionApplications(
    @Root() enterprise: Enterprise,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: EnterpriseContext,
  ) {
    return context.loaders.application.byEnterprise.load({
      parentId: enterprise.creditCode,
      args: {},
      limit: pageSize(page.first),
      after: decodeApplicationCursor(page.after),
    });
  }

  @Classified("INTERNAL")
  @FieldResolver(() => WorkResumptionApplication, { nullable: true, description: "The newest application; null if it never applied." })
  latestResumptionApplication(@Root() enterprise: Enterprise, @Ctx() context: EnterpriseContext) {
    return context.loaders.application.latestByEnterprise.load(enterprise.creditCode);
  }

  @Classified("INTERNAL")
  @FieldResolver(() => ResumptionStatus, {
    nullable: true,
    description: "Status of the newest application: whether the enterprise may work on site now. Null if it never applied.",
  })
  async resumptionStatus(@Root() enterprise: Enterprise, @Ctx() context: EnterpriseContext): Promise<ResumptionStatus | null> {
    return (await context.loaders.application.latestByEnterprise.load(enterprise.creditCode))?.status ?? null;
  }
}
