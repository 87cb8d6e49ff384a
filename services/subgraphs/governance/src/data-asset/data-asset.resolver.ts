import { Arg, Args, Ctx, Query, Resolver } from "type-graphql";
import {
  Classified,
  Restricted,
  PageArgs,
  SUBGRAPH_NAMES,
  badUserInput,
  decide,
  decodeCursor,
  granteeOf,
  pageSize,
  toPage,
  policyIndexOf,
  type Grantee,
  type PolicyIndex,
} from "@citygraph/core";
import { AgreementGrantPreview, DataAccess, DataAsset, DataAssetConnection } from "./data-asset.type.ts";
import { grantingScopes, maskingScopes, policyOf, visibleCoordinates } from "./data-asset.catalog.ts";
import type { DataAssetRepository } from "./data-asset.repository.ts";
import type { GovernanceContext } from "../context.ts";
import { GOVERNANCE_ADMIN, adminSubject } from "../agreement/agreement.access.ts";
import { agreementGrantee, undoneMasksProblem, validateAgreementScopes, validateAllowedFields } from "../agreement/agreement.validation.ts";

type AssetRow = Awaited<ReturnType<DataAssetRepository["list"]>>[number];

const ACCESS = { full: DataAccess.FULL, masked: DataAccess.MASKED, denied: DataAccess.DENIED } as const;

/** A catalog row as the caller sees it: its policy, the scopes that grant it, and the caller's access. */
function toDataAsset(row: AssetRow, grantee: Grantee, index: PolicyIndex): DataAsset {
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
    access: ACCESS[decide(grantee, policy, index).access],
  };
}

@Resolver(() => DataAsset)
export class DataAssetResolver {
  /**
   * Catalog entries follow the caller's visible schema: a field its introspection hides (denied,
   * or on a type it cannot reach) is not listed at all, so the catalog never names or describes
   * what the caller may not see. That needs the whole catalog (a few hundred rows, one statement)
   * for every page; owner, type and cursor filters apply after it, in memory.
   */
  @Classified("PUBLIC")
  @Query(() => DataAssetConnection, {
    description:
      "The data-asset catalog: every field coordinate the caller may read (in full or masked), its owner and classification, and how the caller may read it. Fields the caller cannot see are not listed.",
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
    const after = decodeCursor(page.after, ["string"]);
    const grantee = granteeOf(context.principal);
    // Every row: what the caller sees follows its visible schema, and a masked kind's access
    // depends on what else the caller reads (inference rules), decided against the whole catalog
    // as the gateway decides against the whole supergraph.
    const rows = await context.repositories.dataAsset.list({}, undefined);
    const index = policyIndexOf(rows.map(policyOf));
    const assets = rows.map((row) => toDataAsset(row, grantee, index));
    const visible = visibleCoordinates(assets, (a) => a.access !== DataAccess.DENIED);
    const selected = assets.filter(
      (a) =>
        visible.has(a.coordinate) &&
        (!owner || a.owner === owner) &&
        (!type || a.typeName === type) &&
        (!access || a.access === access) &&
        (!after || a.coordinate > String(after[0])),
    );
    return toPage(selected.slice(0, limit + 1), limit, (a) => [a.coordinate]);
  }

  /**
   * The draft wizard's view: the whole catalog (an administrator writes agreements over any field,
   * so sees every field's name and classification, never a value) with the access the agreement's
   * holder would get, decided by the gateway's own function, so what the wizard shows is what the
   * holder will read.
   */
  @Restricted(GOVERNANCE_ADMIN)
  @Query(() => AgreementGrantPreview, {
    description:
      "What an agreement with these scopes and field list would give its holder, field by field, and why createAgreement would refuse it. Requires governance:admin.",
  })
  async agreementGrantPreview(
    @Arg("scopes", () => [String], { description: "As in CreateAgreementInput; may be empty." }) scopes: string[],
    @Arg("allowedFields", () => [String], { nullable: true, description: "As in CreateAgreementInput; default none (no narrowing)." })
    allowedFields: string[] | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AgreementGrantPreview> {
    adminSubject(context);
    const draft = {
      scopes: validateAgreementScopes("scopes", scopes),
      allowedFields: validateAllowedFields("allowedFields", allowedFields ?? []),
    };
    const rows = await context.repositories.dataAsset.list({}, undefined);
    const known = new Set(rows.map((row) => row.coordinate));
    const unknown = draft.allowedFields.filter((f) => !known.has(f));
    if (unknown.length) throw badUserInput("allowedFields", `not fields of the supergraph: ${unknown.slice(0, 10).join(", ")}`);
    const policies = rows.map(policyOf);
    const index = policyIndexOf(policies);
    const holder = agreementGrantee(draft);
    return {
      fields: rows.map((row) => toDataAsset(row, holder, index)).sort((a, b) => (a.coordinate < b.coordinate ? -1 : 1)),
      problem: undoneMasksProblem(draft, policies),
    };
  }
}
