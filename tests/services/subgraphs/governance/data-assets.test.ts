import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { SUBGRAPH_NAMES, decide, grantSetOf, readSupergraphFields, type Principal } from "@citygraph/core";
import { loadSupergraph } from "@citygraph/supergraph";
import { policyOf } from "../../../../services/subgraphs/governance/src/data-asset/data-asset.catalog.ts";
import { postGraphQL, startStack, type TestStack } from "../../../support/stack.ts";
import { GatewayCaller, bearer } from "../../../support/security.ts";

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
/** Every owner's every level: a caller that sees the whole catalog. */
const EVERYTHING = [...SUBGRAPH_NAMES.map((owner) => `${owner}:sensitive`), "audit:read", "governance:admin"];

/** A third party's API key calling the governance subgraph, as the gateway would sign for it. */
function agreementCaller(scopes: readonly string[], allowedFields: readonly string[]) {
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
  return new GatewayCaller("governance", principal);
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

  /** The coordinates the caller's introspection shows through the gateway. */
  const introspected = async (headers: Record<string, string>) => {
    const result = await stack.query<{ __schema: { types: { name: string; kind: string; fields: { name: string }[] | null }[] } }>(
      "{ __schema { types { name kind fields { name } } } }",
      {},
      headers,
    );
    assert.equal(result.errors, undefined);
    return result.data!.__schema.types
      .filter((t) => t.kind === "OBJECT" && !t.name.startsWith("__"))
      .flatMap((t) => (t.fields ?? []).map((f) => `${t.name}.${f.name}`))
      .sort();
  };

  it("lists exactly the fields the caller's introspection shows, anonymous callers included", async () => {
    for (const headers of [{}, await bearer(MASKED_SENSITIVE), await bearer(["role:district-health-officer"]), await bearer(EVERYTHING)]) {
      const listed = (await all(viaGateway(headers))).map((a) => a.coordinate).sort();
      assert.deepEqual(listed, await introspected(headers));
    }
    const anonymousSchema = await introspected({});
    for (const hidden of ["Query.persons", "Query.accessLog", "Mutation.createAgreement"]) {
      assert.ok(!anonymousSchema.includes(hidden), `${hidden} is not in anonymous introspection`);
    }
    const anonymous = byCoordinate(await all(viaGateway({})));
    assert.equal(anonymous.get("Person.name"), undefined, "no name nor description of a field anonymous callers cannot see");
    assert.equal(anonymous.get("Person.idNumber"), undefined);
    assert.equal(anonymous.get("District.name")?.access, "FULL");
    for (const asset of anonymous.values()) assert.equal(asset.access, "FULL", asset.coordinate);
  });

  it("shows Person.idNumber as MASKED to a registry:sensitive:masked + registry:internal caller", async () => {
    const assets = byCoordinate(await all(viaGateway(await bearer(MASKED_SENSITIVE))));
    assert.equal(assets.get("Person.idNumber")?.access, "MASKED");
    assert.equal(assets.get("Person.name")?.access, "MASKED", "a masked grant covers the levels below it");
    assert.equal(assets.get("Person.gender"), undefined, "GENDER has no masking rule: denied, so not listed");
    assert.equal(assets.get("Query.persons")?.access, "FULL");
    assert.equal(assets.get("Person.healthCode"), undefined, "grants are per owner");
  });

  it("lists the scopes that grant each field in full and masked", async () => {
    const assets = byCoordinate(await all(viaGateway(await bearer(EVERYTHING))));
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

  it("describes every field a caller may see with its classification and requirements", async () => {
    const assets = byCoordinate(await all(viaGateway(await bearer(EVERYTHING))));
    assert.ok(assets.size > 150, `${assets.size} assets`);
    const fields = new Map(readSupergraphFields(loadSupergraph()).map((f) => [f.coordinate, f.policy]));
    for (const [coordinate, asset] of assets) {
      const policy = fields.get(coordinate);
      assert.ok(policy, coordinate);
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
    assert.deepEqual(await all(viaGateway(headers), { access: "DENIED" }), [], "denied fields are not listed");
  });

  it("shows a third party only its agreement's part", async () => {
    const caller = agreementCaller(MASKED_SENSITIVE, ["Query.persons", "Person.idNumber", "Person.name", "Person.id"]);
    const url = stack.services.subgraphs.governance.server.url;
    const post = async (variables: Record<string, unknown>) =>
      postGraphQL<Page>(url, PAGE, variables, await caller.headersFor({ query: PAGE, variables }));
    const assets = await all(post);
    assert.ok(assets.every((a) => a.access === "FULL" || a.access === "MASKED"));
    const nonPublic = assets.filter((a) => a.level !== "PUBLIC").map((a) => [a.coordinate, a.access]);
    assert.deepEqual(nonPublic, [
      ["Person.idNumber", "MASKED"],
      ["Person.name", "MASKED"],
      ["Query.persons", "FULL"],
    ]);
    assert.ok(assets.some((a) => a.coordinate === "District.name"), "open data stays open");
    const denied = await post({ access: "DENIED" });
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
