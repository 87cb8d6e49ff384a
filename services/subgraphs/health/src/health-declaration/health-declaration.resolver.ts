import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { GraphQLDate } from "@citygraph/core";
import { Classified, Compares, PageArgs, assertDateRange, assertDistrictCode, pageSize, toPage } from "@citygraph/core";
import { HealthDeclaration, HealthDeclarationConnection } from "./health-declaration.type.ts";
import { declarationKey } from "./health-declaration.repository.ts";
import { District } from "../district/district.type.ts";
import { Person } from "../person/person.type.ts";
import { decodeTimeCursor, isoDate } from "../cursor.ts";
import type { HealthContext } from "../context.ts";

@Resolver(() => HealthDeclaration)
export class HealthDeclarationResolver {
  @Classified("INTERNAL")
  @Compares("from", "HealthDeclaration.declaredOn")
  @Compares("to", "HealthDeclaration.declaredOn")
  @Query(() => HealthDeclarationConnection, {
    description:
      "Daily health declarations, newest day first; filter by the declarant's district and a window of days.",
  })
  async healthDeclarations(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, {
      nullable: true,
      description: "The declarant's registered district (GB/T 2260).",
    })
    district: string | undefined,
    @Arg("from", () => GraphQLDate, { nullable: true, description: "First day included." })
    from: Date | undefined,
    @Arg("to", () => GraphQLDate, { nullable: true, description: "First day excluded." })
    to: Date | undefined,
    @Ctx() context: HealthContext,
  ): Promise<HealthDeclarationConnection> {
    if (district != null) assertDistrictCode("district", district);
    assertDateRange({ from: from ?? undefined, to: to ?? undefined });
    const limit = pageSize(page.first);
    const rows = await context.repositories.healthDeclaration.list(
      {
        districtCode: district ?? undefined,
        from: from ? isoDate(from) : undefined,
        to: to ? isoDate(to) : undefined,
      },
      limit,
      decodeTimeCursor(page.after, "day"),
    );
    return toPage(rows, limit, declarationKey);
  }

  @Classified("SENSITIVE", "HEALTH")
  @FieldResolver(() => Person, { description: "The declarant." })
  person(@Root() declaration: HealthDeclaration): Person {
    return { id: declaration.personId };
  }

  @Classified("INTERNAL")
  @FieldResolver(() => District, { description: "The declarant's registered district." })
  district(@Root() declaration: HealthDeclaration): District {
    return { code: declaration.districtCode };
  }
}
