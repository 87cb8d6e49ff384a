import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SEED_EPOCH, encodeCursor } from "@citygraph/core";
import { firstError, startEnterprise, type EnterpriseHarness, type Response } from "./harness.ts";

interface ApplicationNode {
  id: string;
  submittedAt: string;
  status: string;
  approvedAt: string | null;
  headcountRequested: number;
  headcountApproved: number | null;
  district: { code: string };
  enterprise: { creditCode: string; district: { code: string } };
}

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

const LIST = `query($first: Int, $after: String, $district: String, $status: ResumptionStatus, $from: DateTime, $to: DateTime) {
  workResumptionApplications(first: $first, after: $after, district: $district, status: $status, from: $from, to: $to) {
    nodes { id submittedAt status approvedAt headcountRequested headcountApproved district { code } enterprise { creditCode district { code } } }
    pageInfo { endCursor hasNextPage }
  }
}`;

describe("work-resumption applications", () => {
  let h: EnterpriseHarness;
  before(async () => {
    h = await startEnterprise();
  });
  after(() => h.stop());

  async function all(variables: Record<string, unknown>): Promise<ApplicationNode[]> {
    const nodes: ApplicationNode[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const response: Response<{ workResumptionApplications: { nodes: ApplicationNode[]; pageInfo: PageInfo } }> = await h.query(LIST, { ...variables, first: 6, after: cursor });
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      nodes.push(...response.data!.workResumptionApplications.nodes);
      const info = response.data!.workResumptionApplications.pageInfo;
      if (!info.hasNextPage) return nodes;
      cursor = info.endCursor;
    }
    throw new Error("too many pages");
  }

  it("lists every application newest first across pages", async () => {
    const nodes = await all({});
    const { rows } = await h.pool.query("SELECT id FROM enterprise.resumption_application ORDER BY submitted_at DESC, id DESC");
    assert.deepEqual(nodes.map((n) => Number(n.id)), rows.map((r) => r.id));
  });

  it("filters by district, status and a closed-open submission window", async () => {
    const { rows } = await h.pool.query(
      "SELECT district_code, min(submitted_at) AS lo, max(submitted_at) AS hi FROM enterprise.resumption_application GROUP BY district_code ORDER BY count(*) DESC LIMIT 1",
    );
    const { district_code: district, lo, hi } = rows[0] as { district_code: string; lo: Date; hi: Date };
    const from = lo.toISOString();
    const to = hi.toISOString();
    const nodes = await all({ district, status: "APPROVED", from, to });
    const expected = await h.pool.query(
      `SELECT id FROM enterprise.resumption_application
       WHERE district_code = $1 AND status = 'APPROVED' AND submitted_at >= $2 AND submitted_at < $3
       ORDER BY submitted_at DESC, id DESC`,
      [district, lo, hi],
    );
    assert.deepEqual(nodes.map((n) => Number(n.id)), expected.rows.map((r) => r.id));
    assert.ok(nodes.every((n) => n.district.code === district && n.enterprise.district.code === district && n.status === "APPROVED"));
    // `to` is exclusive: the newest application of the district is outside.
    assert.ok(nodes.every((n) => n.submittedAt !== to));
  });

  it("rejects a date range whose start is not before its end, naming `to`", async () => {
    for (const [from, to] of [["2026-11-10T00:00:00Z", "2026-11-10T00:00:00Z"], ["2026-11-12T00:00:00Z", "2026-11-10T00:00:00Z"]]) {
      const response = await h.query(LIST, { from, to });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "to" });
    }
  });

  it("rejects a malformed instant", async () => {
    const response = await h.query(LIST, { from: "yesterday" });
    assert.equal(response.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });

  it("rejects a bad district and a bad page size, naming the argument", async () => {
    assert.deepEqual(firstError(await h.query(LIST, { district: "41010" })), { code: "BAD_USER_INPUT", argumentName: "district" });
    assert.deepEqual(firstError(await h.query(LIST, { first: 1_000 })), { code: "BAD_USER_INPUT", argumentName: "first" });
  });

  it("rejects cursors of other lists and hand-made ones", async () => {
    for (const after of [encodeCursor(["91410105MA00000010"]), encodeCursor(["yesterday", 3]), encodeCursor(["2026-11-01T00:00:00.000Z", -1]), encodeCursor(["2026-11-01T00:00:00.000Z", 1.5]), "%%%"]) {
      const response = await h.query(LIST, { after });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "after" }, after);
      const nested = await h.query(`query($a: String) { enterprises(first: 1) { nodes { resumptionApplications(after: $a) { nodes { id } } } } }`, { a: after });
      assert.deepEqual(firstError(nested), { code: "BAD_USER_INPUT", argumentName: "after" }, after);
    }
  });

  it("finds an application by id and rejects malformed ids", async () => {
    const found = await h.query<{ workResumptionApplication: { id: string } }>(`{ workResumptionApplication(id: "1") { id enterprise { name } } }`);
    assert.equal(found.errors, undefined);
    assert.equal(found.data!.workResumptionApplication.id, "1");
    assert.deepEqual((await h.query(`{ workResumptionApplication(id: "999999") { id } }`)).data, { workResumptionApplication: null });
    for (const id of ["0", "-3", "abc", "1.5", "99999999999"]) {
      const response = await h.query(`query($id: ID!) { workResumptionApplication(id: $id) { id } }`, { id });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "id" }, id);
    }
  });

  it("pages an enterprise's applications newest first and reports the newest status", async () => {
    const { rows } = await h.pool.query(
      "SELECT enterprise_credit_code AS code FROM enterprise.resumption_application GROUP BY 1 HAVING count(*) = 2 LIMIT 1",
    );
    const code = rows[0].code as string;
    type Applications = { nodes: { id: string; status: string; submittedAt: string }[]; pageInfo: PageInfo };
    const first = await h.query<{
      enterprise: { resumptionStatus: string; latestResumptionApplication: { id: string }; resumptionApplications: Applications };
    }>(
      `query($c: ID!) { enterprise(creditCode: $c) { resumptionStatus latestResumptionApplication { id }
         resumptionApplications(first: 1) { nodes { id status submittedAt } pageInfo { endCursor hasNextPage } } } }`,
      { c: code },
    );
    assert.equal(first.errors, undefined);
    const enterprise = first.data!.enterprise;
    assert.equal(enterprise.resumptionApplications.pageInfo.hasNextPage, true);
    const newest = enterprise.resumptionApplications.nodes[0]!;
    assert.equal(enterprise.resumptionStatus, newest.status);
    assert.equal(enterprise.latestResumptionApplication.id, newest.id);
    const second = await h.query<{ enterprise: { resumptionApplications: Applications } }>(
      `query($c: ID!, $a: String) { enterprise(creditCode: $c) { resumptionApplications(first: 1, after: $a) { nodes { id status submittedAt } pageInfo { hasNextPage } } } }`,
      { c: code, a: enterprise.resumptionApplications.pageInfo.endCursor },
    );
    assert.equal(second.errors, undefined);
    const older = second.data!.enterprise.resumptionApplications;
    assert.equal(older.pageInfo.hasNextPage, false);
    assert.ok(older.nodes[0]!.submittedAt < newest.submittedAt);
    // A second application follows a refusal or a withdrawal.
    assert.ok(["REJECTED", "WITHDRAWN"].includes(older.nodes[0]!.status));
  });

  it("resolves application and enterprise references in one statement each", async () => {
    const { rows } = await h.pool.query("SELECT id, enterprise_credit_code FROM enterprise.resumption_application ORDER BY id");
    const { response, statements } = await h.counted<{ _entities: ({ id?: string; creditCode?: string } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
         ... on WorkResumptionApplication { id status }
         ... on Enterprise { creditCode name }
       } }`,
      {
        r: [
          ...rows.map((r) => ({ __typename: "WorkResumptionApplication", id: String(r.id) })),
          ...rows.map((r) => ({ __typename: "Enterprise", creditCode: r.enterprise_credit_code })),
          { __typename: "WorkResumptionApplication", id: "nope" },
          { __typename: "Enterprise", creditCode: "bogus" },
        ],
      },
    );
    assert.equal(response.errors, undefined);
    assert.equal(statements, 2);
    const entities = response.data!._entities;
    assert.equal(entities.length, rows.length * 2 + 2);
    assert.deepEqual(entities.slice(0, rows.length).map((e) => Number(e!.id)), rows.map((r) => r.id));
    assert.deepEqual(entities.slice(rows.length, rows.length * 2).map((e) => e!.creditCode), rows.map((r) => r.enterprise_credit_code));
    assert.deepEqual(entities.slice(-2), [null, null]);
  });

  it("keeps decisions consistent: approvals before the epoch, headcounts within the request", async () => {
    const nodes = await all({});
    const epoch = SEED_EPOCH.toISOString();
    assert.ok(nodes.filter((n) => n.status === "APPROVED").length > nodes.length / 2, "most are approved");
    for (const n of nodes) {
      assert.ok(n.submittedAt < epoch);
      if (n.status === "APPROVED") {
        assert.ok(n.approvedAt! > n.submittedAt && n.approvedAt! < epoch);
        assert.ok(n.headcountApproved! >= 1 && n.headcountApproved! <= n.headcountRequested);
      } else {
        assert.equal(n.approvedAt, null);
        assert.equal(n.headcountApproved, null);
      }
    }
  });
});
