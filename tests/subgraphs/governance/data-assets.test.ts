import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createInternalTokenSigner, decide, grantSetOf, readSupergraphFields, type Principal } from "@citygraph/core";
import { loadSupergraph } from "../../../gateway/src/supergraph.ts";
import { policyOf } from "../../../subgraphs/governance/src/data-asset/data-asset.catalog.ts";
import { postGraphQL, startStack, type TestStack } from "../../support/stack.ts";
import { bearer, testSecurity } from "../../support/security.ts";

type Asset = {
  coordinate: string;
  owner: string;
  level: string;
  kind: string | null;
  grantedBy: string[];
  maskedBy: string[];
  requirements: { authenticated: boolean; requiresScopes: string[][]; policies: string[][] } | null;
  access: "FULL" | "MASKED" | "DENIED";
};
type Page = { dataAssets: { nodes: Asset[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } };

const PAGE = `query($first: Int, $after: String, $access: DataAccess, $owner: String) {
  dataAssets(first: $first, after: $after, access: $access, owner: $owner) {
    nodes { coordinate owner level kind grantedBy maskedBy requirements { authenticated requiresScopes policies } access }
    pageInfo { endCursor hasNextPage }
  }
}`;

const MASKED_SENSITIVE = ["registry:sensitive:masked", "registry:internal"];

/** Headers for the governance subgraph, as the gateway would sign them for a third party's API key. */
async function agreementHeaders(scopes: readonly string[], allowedFields: readonly string[]) {
  const sign = await createInternalTokenSigner((await testSecurity()).gatewayKeys.privateJwk);
  const principal: Principal = {
    kind: "agreement",
    subject: "key-1",
    org: "郑州某某科技有限公司",
    agreementId: "00000000-0000-4000-8000-000000000001",
    purpose: "epidemic-prevention",
    scopes,
    allowedFields,
    grants: grantSetOf(scopes, [], allowedFields),
  };
  return { authorization: `Bearer ${await sign(principal, "governance", "test-request")}` };
}

describe("governance: the data-asset catalog per caller", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(async () => stack?.stop());

  /** Every asset, page by page (`first` small enough to cross pages). */
  const all = async (
    send: (variables: Record<string, unknown>) => Promise<{ data?: Page; errors?: unknown }>,
    variables: Record<string, unknown> = {},
    first = 100,
  ) => {
    const assets: Asset[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await send({ ...variables, first, after });
      assert.equal(page.errors, undefined);
      assets.push(...page.data!.dataAssets.nodes);
      if (!page.data!.dataAssets.pageInfo.hasNextPage) return assets;
      after = page.data!.dataAssets.pageInfo.endCursor;
    }
  };
  const viaGateway = (headers: Record<string, string>) => (variables: Record<string, unknown>) =>
    stack.query<Page>(PAGE, variables, headers);
  const byCoordinate = (assets: Asset[]) => new Map(assets.map((a) => [a.coordinate, a]));

  it("stores each field's level, kind and requirements at sync", async () => {
    const pool = new pg.Pool({ connectionString: stack.database.url, max: 1 });
    try {
      const { rows } = await pool.query<{ coordinate: string; level: string; kind: string | null; requirements: string | null }>(
        `SELECT coordinate, level, kind, requirements FROM governance.data_asset
         WHERE coordinate IN ('Person.idNumber', 'Person.name', 'Query.persons', 'District.name') ORDER BY coordinate`,
      );
      assert.deepEqual(rows, [
        { coordinate: "District.name", level: "PUBLIC", kind: null, requirements: null },
        { coordinate: "Person.idNumber", level: "SENSITIVE", kind: "ID_NUMBER", requirements: null },
        { coordinate: "Person.name", level: "PERSONAL", kind: "NAME", requirements: null },
        { coordinate: "Query.persons", level: "INTERNAL", kind: null, requirements: null },
      ]);
    } finally {
      await pool.end();
    }
  });

  it("shows anonymous callers every asset: public ones FULL, all others DENIED", async () => {
    const assets = await all(viaGateway({}));
    assert.ok(assets.length > 150, `${assets.length} assets`);
    for (const asset of assets) {
      const open = asset.level === "PUBLIC" && asset.requirements === null;
      assert.equal(asset.access, open ? "FULL" : "DENIED", asset.coordinate);
    }
    const assetsByCoordinate = byCoordinate(assets);
    assert.equal(assetsByCoordinate.get("Person.name")?.access, "DENIED");
    assert.equal(assetsByCoordinate.get("District.name")?.access, "FULL");
  });

  it("shows Person.idNumber as MASKED to a registry:sensitive:masked + registry:internal caller", async () => {
    const assets = byCoordinate(await all(viaGateway(await bearer(MASKED_SENSITIVE))));
    assert.equal(assets.get("Person.idNumber")?.access, "MASKED");
    assert.equal(assets.get("Person.name")?.access, "MASKED", "a masked grant covers the levels below it");
    assert.equal(assets.get("Person.gender")?.access, "DENIED", "GENDER has no masking rule");
    assert.equal(assets.get("Query.persons")?.access, "FULL");
    assert.equal(assets.get("Person.healthCode")?.access, "DENIED", "grants are per owner");
  });

  it("lists the scopes that grant each field in full and masked", async () => {
    const assets = byCoordinate(await all(viaGateway({})));
    const scopesOf = (coordinate: string) => {
      const asset = assets.get(coordinate)!;
      return { level: asset.level, kind: asset.kind, grantedBy: asset.grantedBy, maskedBy: asset.maskedBy };
    };
    assert.deepEqual(scopesOf("Person.idNumber"), {
      level: "SENSITIVE",
      kind: "ID_NUMBER",
      grantedBy: ["registry:sensitive"],
      maskedBy: ["registry:sensitive:masked"],
    });
    assert.deepEqual(scopesOf("Person.name"), {
      level: "PERSONAL",
      kind: "NAME",
      grantedBy: ["registry:personal", "registry:sensitive"],
      maskedBy: ["registry:personal:masked", "registry:sensitive:masked"],
    });
    assert.deepEqual(scopesOf("HealthCode.color"), {
      level: "SENSITIVE",
      kind: "HEALTH",
      grantedBy: ["health:sensitive"],
      maskedBy: [],
    });
    assert.deepEqual(scopesOf("Query.persons"), {
      level: "INTERNAL",
      kind: null,
      grantedBy: ["registry:internal", "registry:personal", "registry:sensitive"],
      maskedBy: [],
    });
    assert.deepEqual(scopesOf("District.name"), { level: "PUBLIC", kind: null, grantedBy: [], maskedBy: [] });
  });

  it("describes every field of the supergraph with its classification and requirements", async () => {
    const assets = byCoordinate(await all(viaGateway({})));
    const fields = readSupergraphFields(loadSupergraph()).filter((f) => f.typeName !== "Query" || !f.fieldName.startsWith("_"));
    assert.equal(assets.size, fields.length);
    for (const { coordinate, policy } of fields) {
      const asset = assets.get(coordinate);
      assert.ok(asset && policy, coordinate);
      assert.equal(asset.level, policy.level, coordinate);
      assert.equal(asset.kind, policy.kind ?? null, coordinate);
      const expected =
        policy.authenticated || policy.requiresScopes || policy.policies
          ? { authenticated: policy.authenticated ?? false, requiresScopes: policy.requiresScopes ?? [], policies: policy.policies ?? [] }
          : null;
      assert.deepEqual(asset.requirements, expected, coordinate);
    }
  });

  it("filters by access across pages", async () => {
    const headers = await bearer(MASKED_SENSITIVE);
    const everything = await all(viaGateway(headers));
    const expected = everything.filter((a) => a.access === "MASKED").map((a) => a.coordinate);
    assert.ok(expected.includes("Person.idNumber") && expected.every((c) => everything.find((a) => a.coordinate === c)!.owner === "registry"));
    const paged = await all(viaGateway(headers), { access: "MASKED" }, 2);
    assert.deepEqual(paged.map((a) => a.coordinate), expected);
    const denied = await all(viaGateway(headers), { access: "DENIED", owner: "health" });
    assert.ok(denied.length > 0 && denied.every((a) => a.owner === "health" && a.access === "DENIED" && a.level !== "PUBLIC"));
  });

  it("shows a third party only its agreement's part", async () => {
    const headers = await agreementHeaders(MASKED_SENSITIVE, ["Person.idNumber", "Person.name", "Person.id"]);
    const url = stack.services.subgraphs.governance.server.url;
    const assets = await all((variables) => postGraphQL<Page>(url, PAGE, variables, headers));
    assert.ok(assets.every((a) => a.access === "FULL" || a.access === "MASKED"));
    const nonPublic = assets.filter((a) => a.level !== "PUBLIC").map((a) => [a.coordinate, a.access]);
    assert.deepEqual(nonPublic, [
      ["Person.idNumber", "MASKED"],
      ["Person.name", "MASKED"],
    ]);
    assert.ok(assets.some((a) => a.coordinate === "District.name"), "open data stays open");
    const denied = await postGraphQL<Page>(url, PAGE, { access: "DENIED" }, headers);
    assert.deepEqual(denied.data?.dataAssets.nodes, []);
  });

  it("rebuilds policies from stored requirements, and denies rows it cannot read", () => {
    const anonymous = { authenticated: false, grants: grantSetOf([]) };
    const row = { coordinate: "District.name", owner: "registry", level: "PUBLIC", kind: null, requirements: null };
    assert.equal(decide(anonymous, policyOf({ ...row, requirements: null })).access, "full");
    assert.equal(decide(anonymous, policyOf({ ...row, requirements: JSON.stringify({ authenticated: true }) })).access, "denied");
    const scoped = policyOf({ ...row, requirements: JSON.stringify({ requiresScopes: [["a", "b"]] }) });
    assert.equal(decide({ authenticated: true, grants: grantSetOf(["a", "b"]) }, scoped).access, "full");
    assert.equal(decide({ authenticated: true, grants: grantSetOf(["a"]) }, scoped).access, "denied");
    const everything = { authenticated: true, grants: grantSetOf(["registry:sensitive"]) };
    assert.equal(decide(everything, policyOf({ ...row, requirements: "{not json" })).access, "denied");
    assert.equal(decide(everything, policyOf({ ...row, level: "SECRET" })).access, "denied");
  });
});
