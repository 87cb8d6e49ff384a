import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import { Classified, PageArgs, SUBGRAPH_NAMES, badUserInput, decodeCursor, pageSize, toPage } from "@citygraph/core";
import { DataAsset, DataAssetConnection } from "./data-asset.type.ts";
import type { GovernanceContext } from "../context.ts";

@Resolver(() => DataAsset)
export class DataAssetResolver {
  @Classified("PUBLIC")
  @Query(() => DataAssetConnection, { description: "The data-asset catalog: every field coordinate of the supergraph and its owner." })
  async dataAssets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("owner", () => String, { nullable: true, description: "Only fields this subgraph owns." }) owner: string | undefined,
    @Arg("type", () => String, { nullable: true, description: "Only fields of this type." }) type: string | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<DataAssetConnection> {
    if (owner && !(SUBGRAPH_NAMES as readonly string[]).includes(owner)) {
      throw badUserInput("owner", `must be one of ${SUBGRAPH_NAMES.join(", ")}`);
    }
    if (type !== undefined && type !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(type)) {
      throw badUserInput("type", "must be a GraphQL type name");
    }
    const limit = pageSize(page.first);
    const rows = await context.repositories.dataAsset.list(
      { owner: owner ?? undefined, typeName: type ?? undefined },
      limit,
      decodeCursor(page.after, ["string"]),
    );
    return toPage(rows, limit, (a) => [a.coordinate]);
  }
}
