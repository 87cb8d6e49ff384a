import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer, tokenFor } from "../../../support/security.ts";
import { LEDGER_LOCK_KEY } from "@citygraph/ledger";

/**
 * Runs `insert` as the ledger writer would: in a transaction holding the writer's lock, so the
 * seqs it takes after the head cannot collide with entries the gateway is still committing for
 * the requests before (its own recorded reads among them).
 */
async function asTheWriter(client: pg.Client, insert: () => Promise<unknown>): Promise<void> {
  await client.query(`BEGIN; SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
  try {
    await insert();
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  }
}

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
  it("reads whole hours from the rollup and partial ones from the entries, adding to the same as counting every entry", async () => {
    const client = new pg.Client({ connectionString: stack.database.url });
    await client.connect();
    try {
      const hour = 3_600_000;
      const base = Math.floor((Date.now() - 72 * hour) / hour) * hour;
      // Seven hours of synthetic entries, one every 7 minutes, in every shape the overview counts;
      // the second statement lands in hours the first already filled, as a spool replay would.
      const write = (first: number, count: number) =>
        asTheWriter(client, () => client.query(
          `INSERT INTO governance.ledger_entry
             (seq, created_at, body, prev_hash, hash, request_id, principal, agreement_id, purpose, outcome, subjects, coordinates, denied)
           SELECT (SELECT coalesce(max(seq), 0) FROM governance.ledger_entry) + g - $1 + 1, to_timestamp(($2::bigint + g * 420000) / 1000.0),
                  '{}', repeat('0', 64), md5('rollup' || g) || md5('test' || g), 'rollup-' || g, 'user:synthetic.' || (g % 3),
                  CASE WHEN g % 4 = 0 THEN '00000000-0000-4000-8000-00000000000' || (g % 3) END::uuid, NULL,
                  (ARRAY['allowed', 'partial', 'denied', 'refused'])[1 + g % 4],
                  CASE WHEN g % 2 = 0 THEN ARRAY[lpad(to_hex(g), 16, '0')] ELSE '{}'::text[] END,
                  CASE WHEN g % 3 = 0 THEN ARRAY['Query.persons', 'Person.name', 'Person.idNumber'] ELSE ARRAY['Query.persons', 'Person.name', 'Person.healthCode'] END,
                  CASE WHEN g % 4 IN (1, 2) THEN ARRAY['Person.idNumber'] ELSE '{}'::text[] END
           FROM generate_series($1::int, $1::int + $3::int - 1) AS g`,
          [first, base, count],
        ));
      await write(0, 50);
      await write(50, 10);
      // The overview's definition, counted over every entry of the window.
      const expected = async (from: Date, to: Date, bucket: "hour" | "day") => {
        const window = [from, to, bucket];
        const inWindow = "e.created_at >= $1 AND e.created_at < $2";
        const [timeline, byDepartment, byAgreement, denied] = await Promise.all([
          client.query(
            `SELECT to_char(date_trunc($3, e.created_at AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD"T"HH24:00+08:00') AS start, e.outcome, count(*)::int AS requests
             FROM governance.ledger_entry e WHERE ${inWindow} GROUP BY 1, 2 ORDER BY 1, 2`,
            window,
          ),
          client.query(
            `SELECT a.owner AS key, count(DISTINCT e.seq)::int AS requests FROM governance.ledger_entry e
             CROSS JOIN LATERAL unnest(e.coordinates) AS c(coordinate)
             JOIN governance.data_asset a ON a.coordinate = c.coordinate AND a.level IN ('PERSONAL', 'SENSITIVE')
             WHERE ${inWindow} AND cardinality(e.subjects) > 0 AND NOT (c.coordinate = ANY(e.denied)) AND $3::text IS NOT NULL
             GROUP BY 1 ORDER BY 2 DESC, 1`,
            window,
          ),
          client.query(
            `SELECT e.agreement_id::text AS key, count(*)::int AS requests FROM governance.ledger_entry e
             WHERE ${inWindow} AND cardinality(e.subjects) > 0 AND $3::text IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 NULLS FIRST`,
            window,
          ),
          client.query(
            `SELECT d.coordinate, count(*)::int AS attempts FROM governance.ledger_entry e
             CROSS JOIN LATERAL unnest(e.denied) AS d(coordinate)
             WHERE e.outcome IN ('denied', 'partial') AND ${inWindow} AND $3::text IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`,
            window,
          ),
        ]);
        return {
          timeline: timeline.rows.map((r) => ({ ...r, outcome: String(r.outcome).toUpperCase() })),
          personalReadsByDepartment: byDepartment.rows,
          personalReadsByAgreement: byAgreement.rows,
          topDeniedCoordinates: denied.rows,
        };
      };
      const windows: [number, number, "HOUR" | "DAY"][] = [
        [base + 17 * 60_000, base + 5 * hour + 42 * 60_000, "HOUR"], // partial hours at both ends
        [base, base + 7 * hour, "HOUR"], // whole hours only
        [base + 10 * 60_000, base + 50 * 60_000, "HOUR"], // inside one hour: entries only
        [base - 20 * hour, base + 30 * hour, "DAY"], // days of the rollup's hours
      ];
      const { rows } = await client.query<{ count: number }>(
        "SELECT count(*)::int FROM governance.ledger_entry WHERE created_at >= $1 AND created_at < $2",
        [new Date(base), new Date(base + 7 * hour)],
      );
      assert.equal(rows[0]!.count, 60);
      for (const [from, to, bucket] of windows) {
        const variables = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket };
        const { data, errors } = await stack.query<{ accessOverview: Overview }>(
          OVERVIEW.replace("accessOverview(from: $from, to: $to)", "accessOverview(from: $from, to: $to, bucket: $bucket)").replace(
            "$to: DateTime)",
            "$to: DateTime, $bucket: OverviewBucket)",
          ),
          variables,
          auditor,
        );
        assert.ok(data, JSON.stringify(errors));
        const { bucket: _bucket, ...overview } = data.accessOverview;
        assert.deepEqual(overview, await expected(new Date(from), new Date(to), bucket === "HOUR" ? "hour" : "day"), JSON.stringify(variables));
        assert.ok(overview.timeline.length > 0, "the window holds entries");
      }
    } finally {
      await client.end();
    }
  });

  it("judges anomalies on rollup hours and partial hours alike, as counting every entry would", async () => {
    const client = new pg.Client({ connectionString: stack.database.url });
    await client.connect();
    try {
      const hour = 3_600_000;
      const minute = 60_000;
      // Far enough back that the other tests' entries fall outside every window here. The baseline
      // of the hour before `to` starts inside the fixture, so both of its ends are partial hours.
      const base = Math.floor((Date.now() - 400 * hour) / hour) * hour;
      const to = base + 170 * hour + 25 * minute;
      const write = async (principal: string, from: number, step: number, count: number, personal: boolean) =>
        asTheWriter(client, () => client.query(
          `INSERT INTO governance.ledger_entry
             (seq, created_at, body, prev_hash, hash, request_id, principal, outcome, subjects, coordinates, denied)
           SELECT (SELECT coalesce(max(seq), 0) FROM governance.ledger_entry) + g + 1, to_timestamp(($2::bigint + g * $3::bigint) / 1000.0),
                  '{}', repeat('0', 64), md5($1 || $2 || g) || md5($1 || $3 || g), 'anomaly-' || $1 || $2 || $3 || g, $1, 'allowed',
                  CASE WHEN $5 THEN ARRAY[lpad(to_hex(g), 16, '0')] ELSE '{}'::text[] END, ARRAY['Query.persons', 'Person.name'], '{}'::text[]
           FROM generate_series(0, $4::int - 1) AS g`,
          [principal, from, step, count, personal],
        ));
      await write("user:anomaly.steady", base, 15 * minute, 170 * 4 + 2, true); // 4 an hour throughout
      await write("user:anomaly.burst", base, 30 * minute, 169 * 2 + 1, true); // 2 an hour, then
      await write("user:anomaly.burst", to - hour, 2 * minute, 30, true); // 30 in the hour before `to`
      await write("user:anomaly.burst", to - hour, 3 * minute, 20, false); // reads of no person do not count
      await write("user:anomaly.rising", base + 162 * hour, 3 * minute, 170, true); // new, then 20 an hour

      // The rule over every entry of both windows.
      const count = async (principal: string, from: number, until: number) =>
        (
          await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM governance.ledger_entry
             WHERE principal = $1 AND created_at >= $2 AND created_at < $3 AND cardinality(subjects) > 0`,
            [principal, new Date(from), new Date(until)],
          )
        ).rows[0]!.n;
      const baselineHours = 7 * 24;
      const expected = async (end: number) => {
        const flagged = [];
        for (const principal of ["user:anomaly.burst", "user:anomaly.rising", "user:anomaly.steady"]) {
          const reads = await count(principal, end - hour, end);
          const usualPerHour = (await count(principal, end - hour - baselineHours * hour, end - hour)) / baselineHours;
          if (reads >= 20 && reads >= 5 * usualPerHour) flagged.push({ principal, agreementId: null, reads, usualPerHour });
        }
        return flagged.sort((a, b) => b.reads - a.reads);
      };
      const feed = async (end: number) => {
        const { data, errors } = await stack.query<{
          accessAnomalies: { anomalies: { principal: string; agreementId: string | null; reads: number; usualPerHour: number }[] };
        }>(
          "query($to: DateTime) { accessAnomalies(to: $to) { anomalies { principal agreementId reads usualPerHour } } }",
          { to: new Date(end).toISOString() },
          auditor,
        );
        assert.ok(data, JSON.stringify(errors));
        return data.accessAnomalies.anomalies;
      };
      assert.deepEqual(
        (await expected(to)).map((a) => a.principal),
        ["user:anomaly.burst", "user:anomaly.rising"],
        "the fixture holds a burst and a newcomer, and a steady reader who is neither",
      );
      assert.deepEqual(await feed(to), await expected(to), "partial hours at both ends of both windows");
      const onTheHour = base + 170 * hour; // the hour examined is one whole rollup hour
      assert.deepEqual((await expected(onTheHour)).map((a) => a.principal), ["user:anomaly.rising"]);
      assert.deepEqual(await feed(onTheHour), await expected(onTheHour), "whole hours only");
    } finally {
      await client.end();
    }
  });
});
