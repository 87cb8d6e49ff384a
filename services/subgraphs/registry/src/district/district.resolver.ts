import { Arg, Args, Ctx, FieldResolver, Query, Resolver, Root } from "type-graphql";
import { Classified, PageArgs, assertDistrictCode, decodeCursor, pageSize } from "@citygraph/core";
import { District } from "./district.type.ts";
import { CommunityConnection } from "../community/community.type.ts";
import type { RegistryContext } from "../context.ts";

@Resolver(() => District)
export class DistrictResolver {
  @Classified("PUBLIC")
  @Query(() => [District], { description: "Zhengzhou's sixteen districts and zones, by code." })
  districts(
    @Arg("zones", () => Boolean, { nullable: true, description: "true: only zones; false: only administrative divisions." })
    zones: boolean | undefined,
    @Ctx() context: RegistryContext,
  ): Promise<District[]> {
    return context.repositories.district.list(zones ?? undefined);
  }

  @Classified("PUBLIC")
  @Query(() => District, { nullable: true })
  district(@Arg("code", () => String) code: string, @Ctx() context: RegistryContext): Promise<District | null> {
    assertDistrictCode("code", code);
    return context.loaders.district.byCode.load(code);
  }

  @Classified("PUBLIC")
  @FieldResolver(() => CommunityConnection, { description: "Residential communities in the district." })
  communities(@Root() district: District, @Args(() => PageArgs) page: PageArgs, @Ctx() context: RegistryContext) {
    return context.loaders.community.byDistrict.load({
      parentId: district.code,
      args: {},
      limit: pageSize(page.first),
      after: decodeCursor(page.after, ["number"]),
    });
  }
}
