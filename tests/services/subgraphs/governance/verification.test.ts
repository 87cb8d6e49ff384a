import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { governanceSubgraph } from "@citygraph/subgraph-governance";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer, gatewayCaller } from "../../../support/security.ts";
import { startSubgraphHarness } from "../../../support/subgraph-harness.ts";
import { tamper } from "../../../packages/ledger/harness.ts";

const RUN = `id status requestedBy totalEntries entriesChecked breakCount breaks { kind seq lastSeq reason } anchors { source anchors latestSeq } headSeq checkpointSeq failure finishedAt`;
const START = `mutation { startLedgerVerification { ${RUN} } }`;
const INTEGRITY = `{ ledgerIntegrity { headSeq headHash headAt checkpointSeq verifiable anchorSinks lastVerification { id status } } }`;

interface Run {
  id: string;
  status: string;
  requestedBy: string;
  totalEntries: number;
  entriesChecked: number;
  breakCount: number;
  breaks: { kind: string; seq: string; lastSeq: string | null; reason: string }[];
  headSeq: string | null;
  failure: string | null;
}

/** The auditor's on-request verification (the console's Verify page): `startLedgerVerification`, then polling. */
describe("ledger verification on request", () => {
  let stack: TestStack;
  let auditor: Record<string, string>;

  /** Polls a run until it is no longer RUNNING. */
  async function finished(id: string): Promise<Run> {
    for (let attempt = 0; ; attempt++) {
      const { data, errors } = await stack.query<{ ledgerVerification: Run }>(
        `query($id: ID!) { ledgerVerification(id: $id) { ${RUN} } }`,
        { id },
        auditor,
      );
      assert.ok(data?.ledgerVerification, JSON.stringify(errors));
      if (data.ledgerVerification.status !== "RUNNING") return data.ledgerVerification;
      assert.ok(attempt < 300, "the verification finishes");
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  before(async () => {
    stack = await startStack();
    auditor = await bearer(["audit:read"]);
    for (let i = 0; i < 20; i++) assert.equal((await stack.query("{ districts { code } }")).status, 200);
  });
  after(() => stack?.stop());

  it("walks the whole chain in the background and reports it intact, with its head", async () => {
    const started = await stack.query<{ startLedgerVerification: Run }>(START, {}, auditor);
    assert.ok(started.data, JSON.stringify(started.errors));
    const first = started.data.startLedgerVerification;
    assert.ok(first.totalEntries >= 20, "counts the entries it will walk");
    assert.equal(first.requestedBy, "tester", "who asked");
    const run = await finished(first.id);
    assert.equal(run.status, "INTACT", JSON.stringify(run));
    assert.equal(run.breakCount, 0);
    assert.ok(run.entriesChecked >= first.totalEntries, "every entry there at the start was walked");
    const { data } = await stack.query<{
      ledgerIntegrity: {
        headSeq: string;
        verifiable: boolean;
        lastVerification: { id: string; status: string };
      };
    }>(INTEGRITY, {}, auditor);
    assert.equal(data?.ledgerIntegrity.verifiable, true);
    assert.equal(data?.ledgerIntegrity.lastVerification.id, run.id);
    assert.ok(BigInt(data!.ledgerIntegrity.headSeq) >= BigInt(run.headSeq!), "the head only grows");
  });

  it("names an entry a database superuser edited, by seq and kind", async () => {
    await tamper(
      stack.database.url,
      `UPDATE governance.ledger_entry SET body = replace(body, '"outcome":"allowed"', '"outcome":"denied"') WHERE seq = 5`,
    );
    const started = await stack.query<{ startLedgerVerification: Run }>(START, {}, auditor);
    const run = await finished(started.data!.startLedgerVerification.id);
    assert.equal(run.status, "BROKEN");
    assert.deepEqual(
      run.breaks.map((b) => [b.kind, b.seq]),
      [["edited", "5"]],
      JSON.stringify(run.breaks),
    );
  });

  it("starts one walk at a time: a second request while one runs gets that run", async () => {
    // A walk of this small ledger ends in milliseconds, sooner than a second request may arrive on
    // a busy machine: the chain is locked so that the first run stays in progress, reading the
    // head, until both requests have had time to reach the subgraph.
    const holder = new pg.Client({ connectionString: stack.database.url });
    await holder.connect();
    try {
      await holder.query("BEGIN; LOCK TABLE governance.ledger_entry IN ACCESS EXCLUSIVE MODE");
      const requests = Promise.all([
        stack.query<{ startLedgerVerification: Run }>(START, {}, auditor),
        stack.query<{ startLedgerVerification: Run }>(START, {}, auditor),
      ]);
      for (let tries = 0; ; tries++) {
        const { rows } = await holder.query<{ waiting: number }>(
          "SELECT count(*)::int AS waiting FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
        );
        if (rows[0]!.waiting > 0) break;
        assert.ok(tries < 1_000, "the first run reads the locked chain");
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await holder.query("COMMIT");
      const [a, b] = await requests;
      assert.equal(a.data?.startLedgerVerification.id, b.data?.startLedgerVerification.id);
      await finished(a.data!.startLedgerVerification.id);
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
    }
  });

  it("reads a run whose process died as INTERRUPTED, and lets another start", async () => {
    const client = new pg.Client({ connectionString: stack.database.url });
    await client.connect();
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO governance.ledger_verification (id, requested_by, total_entries, started_at, updated_at)
       VALUES (gen_random_uuid(), 'test-user', 10, now() - interval '10 minutes', now() - interval '10 minutes') RETURNING id`,
    );
    await client.end();
    const { data } = await stack.query<{ ledgerVerification: Run }>(
      `query($id: ID!) { ledgerVerification(id: $id) { status } }`,
      { id: rows[0]!.id },
      auditor,
    );
    assert.equal(data?.ledgerVerification.status, "INTERRUPTED");
    const started = await stack.query<{ startLedgerVerification: Run }>(START, {}, auditor);
    assert.notEqual(started.data?.startLedgerVerification.id, rows[0]!.id);
    await finished(started.data!.startLedgerVerification.id);
  });

  it("is for auditors only: anonymous callers and other scopes are denied, and a bad id is a bad input", async () => {
    for (const headers of [{}, await bearer(["governance:admin", "registry:sensitive"])]) {
      const started = await stack.query(START, {}, headers);
      assert.equal(started.data, undefined);
      assert.ok(started.errors?.length, "refused");
      const integrity = await stack.query(INTEGRITY, {}, headers);
      assert.ok(integrity.errors?.length, "refused");
    }
    const bad = await stack.query(`{ ledgerVerification(id: "not-a-uuid") { id } }`, {}, auditor);
    assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
  });
});

describe("ledger verification without the gateway's public key", () => {
  it("refuses with LEDGER_VERIFICATION_UNAVAILABLE rather than verify less, and says so in the integrity summary", async () => {
    const harness = await startSubgraphHarness(governanceSubgraph, {
      template: process.env.CITYGRAPH_TEST_TEMPLATE,
    });
    try {
      const asAuditor = gatewayCaller("governance", ["audit:read"]);
      const started = await harness.query<unknown>(START, {}, asAuditor);
      assert.equal(started.errors?.[0]?.extensions?.code, "LEDGER_VERIFICATION_UNAVAILABLE");
      assert.match(started.errors![0]!.message, /CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE/);
      const integrity = await harness.query<{ ledgerIntegrity: { verifiable: boolean } }>(
        INTEGRITY,
        {},
        asAuditor,
      );
      assert.equal(integrity.data?.ledgerIntegrity.verifiable, false);
    } finally {
      await harness.stop();
    }
  });
});
