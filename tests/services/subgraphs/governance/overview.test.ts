import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer, tokenFor } from "../../../support/security.ts";

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
    for (let i = 0; i < 2; i++)
      assert.equal((await stack.query("{ persons(first: 1) { nodes { idNumber } } }")).status, 400);
    const read = await stack.query(
      "{ persons(first: 2) { nodes { id name } } }",
      {},
      await bearer(["registry:personal"]),
    );
    assert.ok(read.data, JSON.stringify(read.errors));
    // Denials are recorded without holding up their response: wait until both are in.
    for (let attempt = 0; ; attempt++) {
      const log = await stack.query<{ accessLog: { nodes: unknown[] } }>(
        "{ accessLog(outcome: DENIED) { nodes { seq } } }",
        {},
        auditor,
      );
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
    const denied = overview.timeline
      .filter((p) => p.outcome === "DENIED")
      .reduce((sum, p) => sum + p.requests, 0);
    assert.equal(denied, 2);
    assert.ok(
      overview.timeline.every((p) => /^\d{4}-\d\d-\d\dT\d\d:00\+08:00$/.test(p.start)),
      "buckets in China Standard Time",
    );
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
    const wide = await stack.query(
      OVERVIEW,
      { from: "2026-01-01T00:00:00Z", to: "2026-06-01T00:00:00Z" },
      auditor,
    );
    assert.equal(wide.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.equal(wide.errors?.[0]?.extensions?.argumentName, "to");
  });

  it("flags a principal whose personal-data reads in the last hour jump past the rule, not one reading as usual", async () => {
    const burst = {
      authorization: `Bearer ${await tokenFor({ subject: "burst.reader", scopes: ["registry:personal"] })}`,
    };
    for (let i = 0; i < 21; i++)
      assert.ok((await stack.query("{ persons(first: 1) { nodes { id name } } }", {}, burst)).data);
    type Feed = {
      accessAnomalies: {
        rule: string;
        anomalies: { principal: string; reads: number; usualPerHour: number }[];
      };
    };
    const query =
      "query($to: DateTime) { accessAnomalies(to: $to) { rule from to anomalies { principal agreementId reads usualPerHour } } }";
    // Ledger writes trail their responses: wait for all 21.
    let feed: Feed["accessAnomalies"] | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      feed = (await stack.query<Feed>(query, {}, auditor)).data?.accessAnomalies;
      if (feed?.anomalies.some((a) => a.reads === 21)) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.match(feed!.rule, /20 .*5× .*7 days/);
    assert.deepEqual(
      feed!.anomalies,
      [{ principal: "user:burst.reader", agreementId: null, reads: 21, usualPerHour: 0 }],
      "the one read of `tester` is no anomaly",
    );
    const later = await stack.query<Feed>(
      query,
      { to: new Date(Date.now() + 2 * 3_600_000).toISOString() },
      auditor,
    );
    assert.deepEqual(
      later.data?.accessAnomalies.anomalies,
      [],
      "an hour later, those reads are the baseline, not the hour examined",
    );
    const official = await stack.query(query, {}, await bearer(["registry:sensitive"]));
    assert.equal(official.errors?.[0]?.extensions?.code, "FORBIDDEN");
  });
});
