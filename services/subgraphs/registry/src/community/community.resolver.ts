import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from "type-graphql";
import { Classified, PageArgs, assertDistrictCode, badUserInput, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { Community, CommunityConnection } from "./community.type.ts";
import { District } from "../district/district.type.ts";
import { PersonConnection } from "../person/person.type.ts";
import type { RegistryContext } from "../context.ts";

@Resolver(() => Community)
export class CommunityResolver {
  @Classified("PUBLIC")
  @Query(() => Community, { nullable: true })
  community(@Arg("id", () => ID) id: string, @Ctx() context: RegistryContext): Promise<Community | null> {
    const numeric = Number(id);
    if (!Number.isSafeInteger(numeric) || numeric < 1) throw badUserInput("id", "must be a positive integer");
    return context.loaders.community.byId.load(numeric);
  }

  @Classified("PUBLIC")
  @Query(() => CommunityConnection, { description: "Communities, by id; filter by district." })
  async communities(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("district", () => String, { nullable: true }) district: string | undefined,
    @Ctx() context: RegistryContext,
  ): Promise<CommunityConnection> {
    if (district) assertDistrictCode("district", district);
    const limit = pageSize(page.first);
    const rows = await context.repositories.community.list(
      { districtCode: district ?? undefined },
      limit,
      decodeCursor(page.after, ["number"]),
    );
    return toPage(rows, limit, (c) => [c.id]);
  }

  // See Person.inScope: the gateway's confirmation that a reference is within the row scope.
  @Classified("PUBLIC")
  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "True. The gateway selects it to confirm a reference from another subgraph: a community outside the caller's districts is null.",
  })
  inScope(): boolean {
    return true;
  }

  @Classified("PUBLIC")
  @FieldResolver(() => District)
  async district(@Root() community: Community, @Ctx() context: RegistryContext): Promise<District> {
    return (await context.loaders.district.byCode.load(community.districtCode))!;
  }

  @Classified("INTERNAL")
  @FieldResolver(() => PersonConnection, { description: "Registered residents, by pseudonymous id." })
  residents(@Root() community: Community, @Args(() => PageArgs) page: PageArgs, @Ctx() context: RegistryContext) {
    return context.loaders.person.byCommunity.load({
      parentId: String(community.id),
      args: {},
      limit: pageSize(page.first),
      after: decodeCursor(page.after, ["string"]),
    });
  }
}
