import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, Compares, assertDateRange, assertDistrictCode } from "@citygraph/core";
import { CaseCount } from "./case-count.type.ts";
import { District } from "../district/district.type.ts";
import type { HealthContext } from "../context.ts";

/** The longest window `caseCounts` answers: a year of sixteen districts is under 6 000 rows. */
export const MAX_CASE_COUNT_DAYS = 366;

@Resolver(() => CaseCount)
export class CaseCountResolver {
  @Classified("INTERNAL")
  @Compares("from", "CaseCount.date")
  @Compares("to", "CaseCount.date")
  @Query(() => [CaseCount], {
    description: `Daily case counts per district for the days in [from, to), by day then district; at most ${MAX_CASE_COUNT_DAYS} days.`,
  })
  caseCounts(
    @Arg("district", () => String, {
      nullable: true,
      description: "District code (GB/T 2260); all districts when omitted.",
    })
    district: string | undefined,
    @Arg("from", () => GraphQLDate, { description: "First day included." }) from: Date,
    @Arg("to", () => GraphQLDate, { description: "First day excluded." }) to: Date,
    @Ctx() context: HealthContext,
  ): Promise<CaseCount[]> {
    if (district != null) assertDistrictCode("district", district);
    assertDateRange({ from, to }, MAX_CASE_COUNT_DAYS);
    return context.repositories.caseCount.list({ districtCode: district ?? undefined, from, to });
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District)
  district(@Root() count: CaseCount): District {
    return { code: count.districtCode };
  }
}
