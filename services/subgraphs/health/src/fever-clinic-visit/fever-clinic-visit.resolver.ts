import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified, Compares, PageArgs, assertDateRange, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import { FeverClinicVisit, FeverClinicVisitConnection } from "./fever-clinic-visit.type.ts";
import { visitKey } from "./fever-clinic-visit.repository.ts";
import { FeverClinic } from "../fever-clinic/fever-clinic.type.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import { decodeTimeCursor } from "../cursor.ts";
import type { HealthContext } from "../context.ts";

@Resolver(() => FeverClinicVisit)
export class FeverClinicVisitResolver {
  @Classified("INTERNAL")
  @Compares("from", "FeverClinicVisit.visitedAt")
  @Compares("to", "FeverClinicVisit.visitedAt")
  @Query(() => FeverClinicVisitConnection, {
    description: "Fever-clinic visits, newest first; filter by the clinic's district and a time window.",
  })
  async feverClinicVisits(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, {
      nullable: true,
      description: "District code of the clinic (GB/T 2260).",
    })
    district: string | undefined,
    @Arg("from", () => GraphQLDateTime, { nullable: true, description: "Visits at or after this instant." })
    from: Date | undefined,
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "Visits before this instant." })
    to: Date | undefined,
    @Ctx() context: HealthContext,
  ): Promise<FeverClinicVisitConnection> {
    if (district != null) assertDistrictCode("district", district);
    assertDateRange({ from: from ?? undefined, to: to ?? undefined });
    const limit = pageSize(page.first);
    const rows = await context.repositories.feverClinicVisit.list(
      { districtCode: district ?? undefined, from: from?.toISOString(), to: to?.toISOString() },
      limit,
      decodeTimeCursor(page.after, "instant"),
    );
    return toPage(rows, limit, visitKey);
  }

  @Classified("SENSITIVE", "HEALTH")
  @FieldResolver(() => Person, { description: "The patient." })
  person(@Root() visit: FeverClinicVisit): Person {
    return { id: visit.personId };
  }

  @Classified("INTERNAL")
  @FieldResolver(() => FeverClinic)
  async clinic(@Root() visit: FeverClinicVisit, @Ctx() context: HealthContext): Promise<FeverClinic> {
    return (await context.loaders.feverClinic.byId.load(visit.clinicId))!;
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { description: "The clinic's district." })
  district(@Root() visit: FeverClinicVisit): District {
    return { code: visit.districtCode };
  }
}
