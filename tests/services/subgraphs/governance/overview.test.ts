import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer } from "../../../support/security.ts";

interface Overview {
  bucket: string;
  timeline: { start: string; outcome: string; requests: number }[];
  personalReadsByDepartment: { key: string; requests: number }[];
  personalReadsByAgreement: { key: string | null; requests: number }[];
  topDeniedCoordinates: { coordinate: string; attempts: number }[];
}

const OVERVIEW = `query($from: DateTime, $to: DateTime) { accessOverview(from: $from, to: $to) {
  bucket timeline { start outcome requests } personalReadsByDepartment { key requests }
  personalReadsByAgreement { key requests } topDeniedCoordinates { coordinate attempts } } }`;

/** The auditor's overview (`accessOverview`): ledger aggregates the console's charts draw. */
describe("accessOverview", () => {
  let stack: TestStack;
  let auditor: Record<string, string>;

  before(async () => {
    stack = await startStack();
    auditor = await bearer(["audit:read"]);
    // Anonymous: answered as an unknown field, recorded as a denial of Person.idNumber.
    for (let i = 0; i < 2; i++) assert.equal((await stack.query("{ persons(first: 1) { nodes { idNumber } } }")).status, 400);
    const read = await stack.query("{ persons(first: 2) { nodes { id name } } }", {}, await bearer(["registry:personal"]));
    assert.ok(read.data, JSON.stringify(read.errors));
    // Denials are recorded without holding up their response: wait until both are in.
    for (let attempt = 0; ; attempt++) {
      const log = await stack.query<{ accessLog: { nodes: unknown[] } }>("{ accessLog(outcome: DENIED) { nodes { seq } } }", {}, auditor);
      if (log.data?.accessLog.nodes.length === 2) break;
      assert.ok(attempt < 100, "both denials reach the ledger");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  after(() => stack?.stop());

  it("counts requests by hour and outcome, personal reads by department and agreement, and the most denied fields", async () => {
    const { data, errors } = await stack.query<{ accessOverview: Overview }>(OVERVIEW, {}, auditor);
    assert.ok(data, JSON.stringify(errors));
    const overview = data.accessOverview;
    assert.equal(overview.bucket, "HOUR");
    const denied = overview.timeline.filter((p) => p.outcome === "DENIED").reduce((sum, p) => sum + p.requests, 0);
    assert.equal(denied, 2);
    assert.ok(overview.timeline.every((p) => /^\d{4}-\d\d-\d\dT\d\d:00\+08:00$/.test(p.start)), "buckets in China Standard Time");
    assert.equal(overview.topDeniedCoordinates.find((d) => d.coordinate === "Person.idNumber")?.attempts, 2);
    assert.deepEqual(overview.personalReadsByDepartment, [{ key: "registry", requests: 1 }]);
    assert.deepEqual(overview.personalReadsByAgreement, [{ key: null, requests: 1 }]);
  });

  it("counts nothing outside its window", async () => {
    const { data } = await stack.query<{ accessOverview: Overview }>(
      OVERVIEW,
      { from: "2020-01-01T00:00:00Z", to: "2020-01-31T00:00:00Z" },
      auditor,
    );
    assert.equal(data?.accessOverview.bucket, "DAY");
    assert.deepEqual(data?.accessOverview.timeline, []);
  });

  it("needs audit:read, and refuses a window over 92 days", async () => {
    const official = await stack.query(OVERVIEW, {}, await bearer(["registry:sensitive"]));
    assert.equal(official.status, 403);
    assert.equal(official.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const wide = await stack.query(OVERVIEW, { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" }, auditor);
    assert.equal(wide.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.equal(wide.errors?.[0]?.extensions?.argumentName, "to");
  });
});
