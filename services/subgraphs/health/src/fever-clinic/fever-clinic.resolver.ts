import { Arg, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, assertDistrictCode } from "@citygraph/core";
import { FeverClinic } from "./fever-clinic.type.ts";
import { District } from "../district/district.type.ts";
import type { HealthContext } from "../context.ts";

@Resolver(() => FeverClinic)
export class FeverClinicResolver {
  @Classified("PUBLIC")
  @Query(() => [FeverClinic], { description: "Fever clinics, by id; filter by district." })
  feverClinics(
    @Arg("district", () => String, { nullable: true, description: "District code (GB/T 2260)." })
    district: string | undefined,
    @Ctx() context: HealthContext,
  ): Promise<FeverClinic[]> {
    if (district != null) assertDistrictCode("district", district);
    return context.repositories.feverClinic.list({ districtCode: district ?? undefined });
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District, { description: "The district the clinic is in." })
  district(@Root() clinic: FeverClinic): District {
    return { code: clinic.districtCode };
  }
}
