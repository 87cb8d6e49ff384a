import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import pg from "pg";
import {
  GENESIS_HASH,
  LEDGER_LOCK_KEY,
  LedgerEntryError,
  LedgerWriteError,
  canonicalJson,
  createLedgerPool,
  entryHash,
  verifyLedger,
} from "@citygraph/ledger";
import type { TestDatabase } from "../../support/database.ts";
import { testSecurity } from "../../support/security.ts";
import { countingPool, dropTemplate, ledgerDatabase, ledgerOver, sampleEntry } from "./harness.ts";

async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe("access ledger writer", () => {
  const databases: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  after(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await Promise.all(databases.map((d) => d.drop()));
    await dropTemplate();
  });
  const fresh = async () => {
    const db = await ledgerDatabase();
    databases.push(db);
    return db;
  };

  it("commits 1000 concurrent appends in far fewer transactions, as one valid chain", async () => {
    const db = await fresh();
    const { pool, transactions } = countingPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool, { checkpointEvery: 100_000 });
    await Promise.all(Array.from({ length: 1000 }, (_, i) => ledger.append(sampleEntry(i))));
    await ledger.close();

    const stats = ledger.stats();
    assert.equal(stats.entries, 1000);
    assert.ok(transactions() < 100, `1000 entries took ${transactions()} transactions`);
    assert.ok(stats.largestBatch > 1);
    const { publicJwk } = (await testSecurity()).gatewayKeys;
    const verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.firstBroken, undefined);
    assert.equal(verdict.ok, true);
    assert.equal(verdict.entries, 1000);
    assert.equal(verdict.checkpoint?.seq, verdict.head?.seq, "close() checkpoints the head");
  });

  it("stores the canonical body, the chained hash and the query columns copied from the entry", async () => {
    const db = await fresh();
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool);
    const entry = sampleEntry(4, {
      principal: { kind: "agreement", subject: "key123", org: "某某科技有限公司" },
      agreementId: "0F8FAD5B-D9CB-469F-A165-70867728950E",
      purpose: "epidemic-prevention",
      subjects: ["bbbbbbbbbbbbbbbb", "aaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaa"],
    });
    await ledger.append(entry);
    await ledger.append(sampleEntry(5));
    await ledger.close();

    const { rows } = await pool.query(
      `SELECT seq::text, created_at, body, prev_hash, hash, request_id, principal, agreement_id::text, purpose, outcome,
              subjects, coordinates, denied FROM governance.ledger_entry ORDER BY seq`,
    );
    assert.equal(rows.length, 2);
    const [first, second] = rows;
    assert.equal(first.prev_hash, GENESIS_HASH);
    assert.equal(first.hash, entryHash(GENESIS_HASH, first.body));
    assert.equal(second.prev_hash, first.hash);
    const body = JSON.parse(first.body);
    assert.equal(first.body, canonicalJson(body), "no whitespace, sorted keys");
    assert.equal(body.agreementId, "0f8fad5b-d9cb-469f-a165-70867728950e");
    assert.deepEqual(body.subjects, ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"], "subjects sorted and distinct");
    assert.deepEqual(
      {
        createdAt: first.created_at.toISOString(),
        requestId: first.request_id,
        principal: first.principal,
        agreementId: first.agreement_id,
        purpose: first.purpose,
        outcome: first.outcome,
        subjects: first.subjects,
        coordinates: first.coordinates,
        denied: first.denied,
      },
      {
        createdAt: entry.time,
        requestId: "req-4",
        principal: "agreement:key123",
        agreementId: "0f8fad5b-d9cb-469f-a165-70867728950e",
        purpose: "epidemic-prevention",
        outcome: "partial",
        subjects: ["aaaaaaaaaaaaaaaa", "bbbbbbbbbbbbbbbb"],
        coordinates: ["Person.idNumber", "Person.name"],
        denied: ["Person.idNumber"],
      },
    );
  });

  it("resolves append only once the entry is committed and visible to other sessions", async () => {
    const db = await fresh();
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool, { maxDelayMs: 20 });
    const observer = new pg.Client({ connectionString: db.url });
    await observer.connect();
    try {
      const appended = ledger.append(sampleEntry(1));
      const before = await observer.query("SELECT count(*)::int AS n FROM governance.ledger_entry");
      assert.equal(before.rows[0].n, 0, "nothing is committed while the batch waits for company");
      await appended;
      const afterwards = await observer.query("SELECT request_id FROM governance.ledger_entry");
      assert.deepEqual(afterwards.rows, [{ request_id: "req-1" }]);
    } finally {
      await observer.end();
      await ledger.close();
    }
  });

  it("keeps one valid chain when two gateway instances append concurrently", async () => {
    const db = await fresh();
    const a = createLedgerPool(db.url);
    const b = createLedgerPool(db.url);
    pools.push(a, b);
    const [one, two] = await Promise.all([ledgerOver(a, { checkpointEvery: 150 }), ledgerOver(b, { checkpointEvery: 150 })]);
    const appends: Promise<void>[] = [];
    for (let i = 0; i < 600; i++) {
      appends.push((i % 2 ? one : two).append(sampleEntry(i)));
      // Interleave arrivals over several batches on both sides.
      if (i % 50 === 49) await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(appends);
    await Promise.all([one.close(), two.close()]);
    assert.equal(one.stats().entries + two.stats().entries, 600);
    assert.ok(one.stats().transactions > 1 && two.stats().transactions > 1, "both instances wrote batches");

    const { publicJwk } = (await testSecurity()).gatewayKeys;
    const verdict = await verifyLedger(a, publicJwk);
    assert.equal(verdict.firstBroken, undefined);
    assert.equal(verdict.entries, 600);
    // A checkpoint once 150 entries have passed the last one, plus the last on close. A checkpoint
    // goes in with the next batch, so a gap may overshoot 150 by at most one batch: how batches
    // form depends on the machine's load, the bound does not.
    const { rows } = await a.query<{ seq: string }>("SELECT seq::text AS seq FROM governance.ledger_checkpoint ORDER BY seq");
    const largestBatch = Math.max(one.stats().largestBatch, two.stats().largestBatch);
    let previous = 0;
    for (const { seq } of rows) {
      assert.ok(Number(seq) - previous <= 150 + largestBatch, `checkpoints at ${previous} and ${seq}: more than 150 + ${largestBatch} apart`);
      previous = Number(seq);
    }
    assert.equal(verdict.checkpoints, rows.length);
    assert.ok(rows.length >= 2, "at least one checkpoint under way and the last on close");
    assert.equal(verdict.checkpoint?.seq, verdict.head?.seq);
  });

  it("rejects a malformed entry alone, and records its batch-mates", async () => {
    const db = await fresh();
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool);
    const results = await Promise.allSettled([
      ledger.append(sampleEntry(1)),
      ledger.append(sampleEntry(2, { agreementId: "not-a-uuid" })),
      ledger.append(sampleEntry(3, { fields: [{ coordinate: "no coordinate", decision: "full" }] })),
      ledger.append(sampleEntry(4, { time: "yesterday" })),
      ledger.append(sampleEntry(5)),
    ]);
    await ledger.close();
    assert.deepEqual(
      results.map((r) => r.status),
      ["fulfilled", "rejected", "rejected", "rejected", "fulfilled"],
    );
    for (const r of results) if (r.status === "rejected") assert.ok(r.reason instanceof LedgerEntryError);
    const { rows } = await pool.query("SELECT request_id FROM governance.ledger_entry ORDER BY seq");
    assert.deepEqual(rows.map((r) => r.request_id), ["req-1", "req-5"]);
  });

  it("never stores members an entry does not define (no values can ride along)", async () => {
    const db = await fresh();
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool);
    await ledger.append({ ...sampleEntry(1), ...({ variables: { idNumber: "410105198703156758" } } as object) } as never);
    await ledger.close();
    const { rows } = await pool.query("SELECT body FROM governance.ledger_entry");
    assert.ok(!rows[0].body.includes("410105198703156758"));
    assert.ok(!("variables" in JSON.parse(rows[0].body)));
  });

  it("rejects appends when the database is unreachable, so the gateway can fail closed", async () => {
    const pool = createLedgerPool(`postgresql://postgres@127.0.0.1:${await closedPort()}/citygraph`, { connectionTimeoutMs: 2_000 });
    pools.push(pool);
    const ledger = await ledgerOver(pool);
    const results = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => ledger.append(sampleEntry(i))));
    assert.ok(results.every((r) => r.status === "rejected" && r.reason instanceof LedgerWriteError));
    assert.equal(ledger.stats().entries, 0);
    assert.ok(ledger.stats().failures >= 1);
    await ledger.close();
    await assert.rejects(ledger.append(sampleEntry(99)), /closed/, "a closed ledger refuses appends");
  });

  it("fails appends on a stuck writer lock within the statement timeout, then recovers on the same connection", async () => {
    const db = await fresh();
    const pool = createLedgerPool(db.url, { max: 1, statementTimeoutMs: 300 });
    pools.push(pool);
    const ledger = await ledgerOver(pool);
    const holder = new pg.Client({ connectionString: db.url });
    await holder.connect();
    try {
      await holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY})`);
      await assert.rejects(ledger.append(sampleEntry(1)), (error: Error) => error instanceof LedgerWriteError && /timeout/.test(error.message));
      await holder.query("ROLLBACK");
      await ledger.append(sampleEntry(2));
    } finally {
      await holder.end();
      await ledger.close();
    }
    const { rows } = await pool.query("SELECT request_id FROM governance.ledger_entry");
    assert.deepEqual(rows, [{ request_id: "req-2" }]);
  });

  it("refuses appends beyond maxPending instead of queueing without bound", async () => {
    const pool = createLedgerPool(`postgresql://postgres@127.0.0.1:${await closedPort()}/citygraph`);
    pools.push(pool);
    const ledger = await ledgerOver(pool, { maxPending: 5, maxDelayMs: 50 });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => ledger.append(sampleEntry(i))));
    const refused = results.filter((r) => r.status === "rejected" && /waiting; refusing more/.test(String(r.reason)));
    assert.equal(refused.length, 3);
    await ledger.close();
  });
});
