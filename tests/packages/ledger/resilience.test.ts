import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createLedgerPool, sha256Hex, verifyLedger } from "@citygraph/ledger";
import type { TestDatabase } from "../../support/database.ts";
import { testSecurity } from "../../support/security.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, sampleEntry } from "./harness.ts";

/** One caller's entry never sinks another's, and an aborted commit leaves no hole in the numbering. */
describe("access ledger resilience", () => {
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
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    return { db, pool };
  };
  const admin = async (url: string, sql: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };

  it("stores an entry the database refuses in its quarantined form, and commits the rest of its group", async () => {
    const { db, pool } = await fresh();
    // Real PostgreSQL refusing one row of a multi-row INSERT, as it refused a NUL in a subject.
    await admin(
      db.url,
      `CREATE FUNCTION governance.refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN IF NEW.principal = 'user:poison' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$;
       CREATE TRIGGER refuse_poison BEFORE INSERT ON governance.ledger_entry FOR EACH ROW EXECUTE FUNCTION governance.refuse_poison();`,
    );
    const ledger = await ledgerOver(pool, { maxDelayMs: 50 });
    const others = Array.from({ length: 8 }, (_, i) => ledger.append(sampleEntry(i)));
    const poison = ledger.append(sampleEntry(99, { principal: { kind: "user", subject: "poison" } }));
    await Promise.all([...others, poison]);
    await ledger.close();
    const { rows } = await pool.query<{ request_id: string; principal: string; body: string }>(
      "SELECT request_id, principal, body FROM governance.ledger_entry ORDER BY seq",
    );
    assert.equal(rows.length, 9, "every entry is recorded");
    const stored = rows.find((r) => r.request_id === "req-99")!;
    assert.equal(stored.principal, `user:sha256:${sha256Hex("poison")}`);
    assert.equal(JSON.parse(stored.body).quarantined, true);
    assert.equal(ledger.stats().quarantined, 1);
    assert.equal((await verifyLedger(pool, (await testSecurity()).gatewayKeys.publicJwk)).ok, true);
  });

  it("keeps client text the database would refuse (NUL, lone surrogates, 300 characters) in a bounded, verifiable form", async () => {
    const { pool } = await fresh();
    const ledger = await ledgerOver(pool);
    await ledger.append(sampleEntry(1, { purpose: "a\u0000b", operationName: "op\ud800", refusal: "R".repeat(300), clientRequestId: "x".repeat(300) }));
    await ledger.close();
    const { rows } = await pool.query<{ purpose: string; body: string }>("SELECT purpose, body FROM governance.ledger_entry");
    assert.equal(rows[0]!.purpose, "a\ufffdb");
    const body = JSON.parse(rows[0]!.body) as Record<string, string>;
    assert.equal(body.operationName, "op\ufffd");
    assert.ok(body.refusal!.length <= 256 && body.refusal!.endsWith(`[sha256:${sha256Hex("R".repeat(300)).slice(0, 16)}]`));
    assert.equal((await verifyLedger(pool, (await testSecurity()).gatewayKeys.publicJwk)).ok, true);
  });

  it("leaves no gap in the sequence when a transaction is killed between its INSERT and COMMIT", async () => {
    const { db, pool } = await fresh();
    const ledger = await ledgerOver(pool, { checkpointEvery: 3 });
    await Promise.all([1, 2].map((i) => ledger.append(sampleEntry(i))));
    // Hold the checkpoint table: the next commit inserts its entries, then waits on its checkpoint.
    const blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
    await blocker.query("BEGIN; LOCK TABLE governance.ledger_checkpoint IN EXCLUSIVE MODE");
    const doomed = ledger.append(sampleEntry(3)).then(() => "committed", (error: unknown) => error);
    let pid: number | undefined;
    for (let i = 0; i < 1_500 && pid === undefined; i++) {
      // The blocker is inside a transaction, where pg_stat_activity is a snapshot taken at first
      // read: clear it, or the poll sees the moment before the commit arrived, forever.
      await blocker.query("SELECT pg_stat_clear_snapshot()");
      const { rows } = await blocker.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE 'INSERT INTO governance.ledger_checkpoint%'",
      );
      pid = rows[0]?.pid;
      if (pid === undefined) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.ok(pid, "the commit is waiting after its INSERT");
    await blocker.query("SELECT pg_terminate_backend($1)", [pid]);
    assert.match(String(await doomed), /LedgerWriteError/);
    await blocker.query("ROLLBACK");
    await blocker.end();
    await Promise.all([4, 5].map((i) => ledger.append(sampleEntry(i))));
    await ledger.close();
    const { rows } = await pool.query<{ seq: string }>("SELECT seq::text FROM governance.ledger_entry ORDER BY seq");
    assert.deepEqual(rows.map((r) => Number(r.seq)), [1, 2, 3, 4], "seq 3 went to the next entry: no gap");
    assert.equal((await verifyLedger(pool, (await testSecurity()).gatewayKeys.publicJwk)).ok, true);
  });
});
