import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connectPrisma, type PrismaConnection } from "@citygraph/core";
import { PrismaClient } from "../../../../services/subgraphs/enterprise/prisma/generated/client.ts";
import { EmploymentRepository } from "../../../../services/subgraphs/enterprise/src/employment/employment.repository.ts";
import { ApplicationRepository } from "../../../../services/subgraphs/enterprise/src/resumption/resumption.repository.ts";
import { ALL_SCOPES, gatewayCaller, type GatewayCaller } from "../../../support/security.ts";
import { startEnterprise, type EnterpriseHarness, type Response } from "./harness.ts";

const IN_SCOPE = "410105";
const OTHER = "410102";

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

type Page<T> = { nodes: T[]; pageInfo: PageInfo };

const ENTERPRISES = `query($after: String, $d: String) {
  enterprises(first: 100, after: $after, district: $d) { nodes { creditCode district { code } } pageInfo { endCursor hasNextPage } }
}`;

const APPLICATIONS = `query($after: String, $d: String) {
  workResumptionApplications(first: 100, after: $after, district: $d) { nodes { id district { code } } pageInfo { endCursor hasNextPage } }
}`;

/** Row scope: a principal limited to some districts sees only their rows, in every list, lookup and reference. */
describe("row scope of enterprise data", () => {
  let h: EnterpriseHarness;
  let scoped: GatewayCaller;
  let unscoped: GatewayCaller;
  /** One enterprise inside the scope and one outside, each with applications and staff. */
  let inside: { creditCode: string; applicationId: number; personId: string };
  let outside: { creditCode: string; applicationId: number; personId: string };

  async function sample(district: string) {
    const { rows } = await h.pool.query(
      `SELECT e.credit_code, min(a.id) AS application_id, min(m.person_id) AS person_id
       FROM enterprise.enterprise e
       JOIN enterprise.resumption_application a ON a.enterprise_credit_code = e.credit_code
       JOIN enterprise.employment m ON m.enterprise_credit_code = e.credit_code
       WHERE e.district_code = $1 GROUP BY e.credit_code ORDER BY e.credit_code LIMIT 1`,
      [district],
    );
    assert.ok(rows[0], `an enterprise in ${district} with applications and staff`);
    return { creditCode: rows[0].credit_code as string, applicationId: Number(rows[0].application_id), personId: rows[0].person_id as string };
  }

  /** Every node of a list, paging with the caller's headers. */
  async function all<T>(query: string, field: string, headers: GatewayCaller, district?: string): Promise<T[]> {
    const nodes: T[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const response: Response<Record<string, Page<T>>> = await h.query(query, { after: cursor, d: district }, headers);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const page = response.data![field]!;
      nodes.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return nodes;
      cursor = page.pageInfo.endCursor;
    }
    assert.fail("too many pages");
  }

  async function count(sql: string, params: unknown[] = []): Promise<number> {
    const { rows } = await h.pool.query(sql, params);
    return rows[0].n as number;
  }

  before(async () => {
    h = await startEnterprise();
    scoped = gatewayCaller("enterprise", ALL_SCOPES, [IN_SCOPE]);
    unscoped = gatewayCaller("enterprise", ALL_SCOPES);
    inside = await sample(IN_SCOPE);
    outside = await sample(OTHER);
  });
  after(() => h.stop());

  it("lists only enterprises of the scoped districts", async () => {
    const nodes = await all<{ creditCode: string; district: { code: string } }>(ENTERPRISES, "enterprises", scoped);
    assert.ok(nodes.length > 0);
    assert.ok(nodes.every((n) => n.district.code === IN_SCOPE));
    assert.equal(nodes.length, await count("SELECT count(*)::int AS n FROM enterprise.enterprise WHERE district_code = $1", [IN_SCOPE]));
  });

  it("lists only applications of the scoped districts", async () => {
    const nodes = await all<{ id: string; district: { code: string } }>(APPLICATIONS, "workResumptionApplications", scoped);
    assert.ok(nodes.length > 0);
    assert.ok(nodes.every((n) => n.district.code === IN_SCOPE));
    const expected = await count("SELECT count(*)::int AS n FROM enterprise.resumption_application WHERE district_code = $1", [IN_SCOPE]);
    assert.equal(nodes.length, expected);
  });

  it("lists the rows of every district of a scope with several", async () => {
    const two = gatewayCaller("enterprise", ALL_SCOPES, [IN_SCOPE, OTHER]);
    const nodes = await all<{ creditCode: string; district: { code: string } }>(ENTERPRISES, "enterprises", two);
    assert.deepEqual(new Set(nodes.map((n) => n.district.code)), new Set([IN_SCOPE, OTHER]));
    const expected = await count("SELECT count(*)::int AS n FROM enterprise.enterprise WHERE district_code = ANY($1)", [[IN_SCOPE, OTHER]]);
    assert.equal(nodes.length, expected);
  });

  it("returns nothing for an explicit district outside the scope, and that district's rows inside it", async () => {
    assert.deepEqual(await all(ENTERPRISES, "enterprises", scoped, OTHER), []);
    assert.deepEqual(await all(APPLICATIONS, "workResumptionApplications", scoped, OTHER), []);
    const own = await all<{ district: { code: string } }>(ENTERPRISES, "enterprises", scoped, IN_SCOPE);
    assert.ok(own.length > 0 && own.every((n) => n.district.code === IN_SCOPE));
  });

  it("sees no rows at all when scoped to no district", async () => {
    const none = gatewayCaller("enterprise", ALL_SCOPES, []);
    assert.deepEqual(await all(ENTERPRISES, "enterprises", none), []);
    assert.deepEqual(await all(APPLICATIONS, "workResumptionApplications", none), []);
    const lookup = await h.query(`query($c: ID!) { enterprise(creditCode: $c) { name } }`, { c: inside.creditCode }, none);
    assert.deepEqual(lookup.data, { enterprise: null });
  });

  it("answers null when looking up an out-of-scope enterprise or application", async () => {
    const lookup = `query($c: ID!, $id: ID!) { enterprise(creditCode: $c) { creditCode } workResumptionApplication(id: $id) { id } }`;
    const out = await h.query(lookup, { c: outside.creditCode, id: String(outside.applicationId) }, scoped);
    assert.equal(out.errors, undefined);
    assert.deepEqual(out.data, { enterprise: null, workResumptionApplication: null });
    const own = await h.query(lookup, { c: inside.creditCode, id: String(inside.applicationId) }, scoped);
    assert.deepEqual(own.data, { enterprise: { creditCode: inside.creditCode }, workResumptionApplication: { id: String(inside.applicationId) } });
  });

  it("resolves out-of-scope enterprise and application references to null, in one statement per type", async () => {
    const { response, statements } = await h.counted<{ _entities: ({ id?: string; creditCode?: string } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
         ... on Enterprise { creditCode name }
         ... on WorkResumptionApplication { id status }
       } }`,
      {
        r: [
          { __typename: "Enterprise", creditCode: inside.creditCode },
          { __typename: "Enterprise", creditCode: outside.creditCode },
          { __typename: "WorkResumptionApplication", id: String(inside.applicationId) },
          { __typename: "WorkResumptionApplication", id: String(outside.applicationId) },
        ],
      },
      scoped,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.equal(statements, 2);
    const [ownEnterprise, otherEnterprise, ownApplication, otherApplication] = response.data!._entities;
    assert.equal(ownEnterprise?.creditCode, inside.creditCode);
    assert.equal(otherEnterprise, null);
    assert.equal(ownApplication?.id, String(inside.applicationId));
    assert.equal(otherApplication, null);
  });

  it("answers null employment for a person whose employer is outside the scope", async () => {
    const response = await h.query<{ _entities: { id: string; employment: { enterprise: { creditCode: string } } | null }[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person { id employment { position enterprise { creditCode } } } } }`,
      { r: [inside.personId, outside.personId].map((id) => ({ __typename: "Person", id })) },
      scoped,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const [own, other] = response.data!._entities;
    assert.equal(own!.employment?.enterprise.creditCode, inside.creditCode);
    assert.equal(other!.employment, null);
  });

  it("still reaches an in-scope enterprise's staff and applications", async () => {
    const response = await h.query<{
      enterprise: { employees: Page<{ position: string }>; resumptionApplications: Page<{ id: string }>; latestResumptionApplication: { id: string } };
    }>(
      `query($c: ID!) { enterprise(creditCode: $c) {
         employees(first: 100) { nodes { position } pageInfo { hasNextPage } }
         resumptionApplications(first: 100) { nodes { id } pageInfo { hasNextPage } }
         latestResumptionApplication { id }
       } }`,
      { c: inside.creditCode },
      scoped,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const enterprise = response.data!.enterprise;
    const staff = await count("SELECT count(*)::int AS n FROM enterprise.employment WHERE enterprise_credit_code = $1", [inside.creditCode]);
    assert.equal(enterprise.employees.nodes.length, Math.min(staff, 100));
    assert.ok(enterprise.resumptionApplications.nodes.some((n) => n.id === String(inside.applicationId)));
    assert.equal(enterprise.latestResumptionApplication.id, enterprise.resumptionApplications.nodes[0]!.id);
  });

  it("filters staff and applications by scope in SQL even when asked for an out-of-scope enterprise", async () => {
    // Through the API an out-of-scope enterprise is already null; the statements must not rely on that.
    const connection: PrismaConnection<PrismaClient> = connectPrisma(PrismaClient, { url: h.databaseUrl, poolSize: 1 });
    try {
      const codes = [inside.creditCode, outside.creditCode];
      const employment = new EmploymentRepository(connection.prisma, [IN_SCOPE]);
      const applications = new ApplicationRepository(connection.prisma, [IN_SCOPE]);
      const parents = (rows: { enterpriseCreditCode: string }[]) => new Set(rows.map((r) => r.enterpriseCreditCode));
      assert.deepEqual(parents(await employment.listByEnterprises(codes, 10)), new Set([inside.creditCode]));
      assert.deepEqual(parents(await applications.listByEnterprises(codes, 10)), new Set([inside.creditCode]));
      assert.deepEqual(parents(await applications.latestByEnterprises(codes)), new Set([inside.creditCode]));
      const unrestricted = new ApplicationRepository(connection.prisma, undefined);
      assert.deepEqual(parents(await unrestricted.latestByEnterprises(codes)), new Set(codes));
    } finally {
      await connection.close();
    }
  });

  it("shows an unscoped principal every district's rows", async () => {
    const nodes = await all<{ creditCode: string }>(ENTERPRISES, "enterprises", unscoped);
    assert.equal(nodes.length, await count("SELECT count(*)::int AS n FROM enterprise.enterprise"));
    const response = await h.query<{ enterprise: { creditCode: string }; _entities: { employment: { position: string } | null }[] }>(
      `query($c: ID!, $r: [_Any!]!) { enterprise(creditCode: $c) { creditCode } _entities(representations: $r) { ... on Person { employment { position } } } }`,
      { c: outside.creditCode, r: [{ __typename: "Person", id: outside.personId }] },
      unscoped,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    assert.equal(response.data!.enterprise.creditCode, outside.creditCode);
    assert.notEqual(response.data!._entities[0]!.employment, null);
  });

  it("refuses the same request without a token with HTTP 401", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: `query($c: ID!) { enterprise(creditCode: $c) { name } }`, variables: { c: inside.creditCode } }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Response<unknown>;
    assert.equal(body.data ?? undefined, undefined);
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });
});
