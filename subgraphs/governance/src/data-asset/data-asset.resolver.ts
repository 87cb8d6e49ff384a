import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import {
  Classified,
  PageArgs,
  SUBGRAPH_NAMES,
  badUserInput,
  decide,
  decodeCursor,
  granteeOf,
  pageSize,
  toPage,
  type Grantee,
} from "@citygraph/core";
import { DataAccess, DataAsset, DataAssetConnection } from "./data-asset.type.ts";
import { grantingScopes, maskingScopes, policyOf } from "./data-asset.catalog.ts";
import type { DataAssetRepository } from "./data-asset.repository.ts";
import type { GovernanceContext } from "../context.ts";

type AssetRow = Awaited<ReturnType<DataAssetRepository["list"]>>[number];

const ACCESS = { full: DataAccess.FULL, masked: DataAccess.MASKED, denied: DataAccess.DENIED } as const;

/** A catalog row as the caller sees it: its policy, the scopes that grant it, and the caller's access. */
function toDataAsset(row: AssetRow, grantee: Grantee): DataAsset {
  const policy = policyOf(row);
  return {
    coordinate: row.coordinate,
    typeName: row.typeName,
    fieldName: row.fieldName,
    owner: row.owner,
    owners: row.owners,
    returnType: row.returnType,
    description: row.description,
    level: policy.level,
    kind: policy.kind ?? null,
    grantedBy: grantingScopes(row.owner, policy.level),
    maskedBy: maskingScopes(row.owner, policy.level, policy.kind),
    requirements:
      policy.authenticated || policy.requiresScopes?.length || policy.policies?.length
        ? {
            authenticated: policy.authenticated ?? false,
            requiresScopes: (policy.requiresScopes ?? []).map((all) => [...all]),
            policies: (policy.policies ?? []).map((all) => [...all]),
          }
        : null,
    access: ACCESS[decide(grantee, policy).access],
  };
}

@Resolver(() => DataAsset)
export class DataAssetResolver {
  /**
   * The access filter (and a third party's narrowing) is applied after `decide`, in memory: the
   * catalog is a few hundred rows, so such a page reads every row after the cursor (one statement)
   * instead of paging in SQL. Unfiltered pages still fetch `first + 1` rows.
   */
  @Classified("PUBLIC")
  @Query(() => DataAssetConnection, {
    description:
      "The data-asset catalog: every field coordinate of the supergraph, its owner and classification, and how the caller may read it. A third party (a data-operation agreement) sees only the fields it may read.",
  })
  async dataAssets(
    @Args(() => PageArgs) page: PageArgs,
    @Arg("owner", () => String, { nullable: true, description: "Only fields this subgraph owns." }) owner: string | undefined,
    @Arg("type", () => String, { nullable: true, description: "Only fields of this type." }) type: string | undefined,
    @Arg("access", () => DataAccess, { nullable: true, description: "Only fields the caller may read this way." })
    access: DataAccess | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<DataAssetConnection> {
    if (owner && !(SUBGRAPH_NAMES as readonly string[]).includes(owner)) {
      throw badUserInput("owner", `must be one of ${SUBGRAPH_NAMES.join(", ")}`);
    }
    if (type !== undefined && type !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(type)) {
      throw badUserInput("type", "must be a GraphQL type name");
    }
    const limit = pageSize(page.first);
    const thirdParty = context.principal.kind === "agreement";
    const filtered = thirdParty || (access !== undefined && access !== null);
    const rows = await context.repositories.dataAsset.list(
      { owner: owner ?? undefined, typeName: type ?? undefined },
      filtered ? undefined : limit,
      decodeCursor(page.after, ["string"]),
    );
    const grantee = granteeOf(context.principal);
    let assets = rows.map((row) => toDataAsset(row, grantee));
    // A third party's catalog is its agreement's part: what it may read, in full or masked.
    if (thirdParty) assets = assets.filter((a) => a.access !== DataAccess.DENIED);
    if (access) assets = assets.filter((a) => a.access === access);
    return toPage(assets.slice(0, limit + 1), limit, (a) => [a.coordinate]);
  }
}
