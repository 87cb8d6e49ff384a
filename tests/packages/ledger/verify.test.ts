import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { generateEs256 } from "@citygraph/core";
import { createCheckpointSigner, createLedgerPool, verifyLedger } from "@citygraph/ledger";
import type { TestDatabase } from "../../support/database.ts";
import { testSecurity } from "../../support/security.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, sampleEntry, tamper } from "./harness.ts";

const ENTRIES = 40;

describe("verifyLedger", () => {
  const databases: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  let publicJwk: Awaited<ReturnType<typeof testSecurity>>["gatewayKeys"]["publicJwk"];
  before(async () => {
    publicJwk = (await testSecurity()).gatewayKeys.publicJwk;
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await Promise.all(databases.map((d) => d.drop()));
    await dropTemplate();
  });

  /** A database with a ledger of 40 entries in small batches, checkpointed every 10. */
  async function ledgerOf40(): Promise<{ db: TestDatabase; pool: pg.Pool }> {
    const db = await ledgerDatabase();
    databases.push(db);
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const ledger = await ledgerOver(pool, { maxBatch: 5, checkpointEvery: 10 });
    await Promise.all(Array.from({ length: ENTRIES }, (_, i) => ledger.append(sampleEntry(i))));
    await ledger.close();
    return { db, pool };
  }

  const count = async (pool: pg.Pool) =>
    (await pool.query<{ n: number }>("SELECT count(*)::int AS n FROM governance.ledger_entry")).rows[0]!.n;

  it("finds an untouched ledger intact and names its head and latest checkpoint", async () => {
    const { pool } = await ledgerOf40();
    const verdict = await verifyLedger(pool, publicJwk, { batchSize: 7 });
    assert.equal(verdict.ok, true);
    assert.equal(verdict.firstBroken, undefined);
    assert.equal(verdict.entries, ENTRIES);
    assert.equal(verdict.head?.seq, String(ENTRIES));
    assert.equal(verdict.checkpoint?.seq, String(ENTRIES));
    assert.equal(verdict.checkpoint?.hash, verdict.head?.hash);
    assert.ok(verdict.checkpoints >= 4);
  });

  it("finds an empty ledger intact", async () => {
    const db = await ledgerDatabase();
    databases.push(db);
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    assert.deepEqual(await verifyLedger(pool, publicJwk), {
      ok: true,
      entries: 0,
      head: undefined,
      breaks: [],
      breakCount: 0,
      firstBroken: undefined,
      checkpoints: 0,
      checkpoint: undefined,
      anchors: [],
      warnings: [],
    });
  });

  it("names an entry whose body was modified", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(db.url, `UPDATE governance.ledger_entry SET body = replace(body, '"rowCount":1', '"rowCount":0') WHERE seq = 17`);
    const verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.firstBroken?.seq, "17");
    assert.match(verdict.firstBroken!.reason, /hash does not match/);
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq]), [["edited", "17"]], "one break, and the walk went on");
  });

  it("names an entry whose body and hash were both rewritten, by the next entry's link", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(
      db.url,
      `UPDATE governance.ledger_entry SET body = replace(body, '"rowCount":1', '"rowCount":0') WHERE seq = 17`,
      `UPDATE governance.ledger_entry SET hash = encode(sha256(convert_to(prev_hash || body, 'UTF8')), 'hex') WHERE seq = 17`,
    );
    const verdict = await verifyLedger(pool, publicJwk);
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq]), [["edited", "17"]]);
    assert.match(verdict.firstBroken!.reason, /entry 18 does not chain to entry 17: entry 17 was rewritten and rehashed/);
  });

  it("names an entry whose query column was edited (the body still agrees with the hash)", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(db.url, `UPDATE governance.ledger_entry SET principal = 'user:somebody-else' WHERE seq = 23`);
    let verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.firstBroken?.seq, "23");
    assert.match(verdict.firstBroken!.reason, /column principal differs/);

    const other = await ledgerOf40();
    await tamper(other.db.url, `UPDATE governance.ledger_entry SET subjects = '{}' WHERE seq = 5`);
    verdict = await verifyLedger(other.pool, publicJwk);
    assert.deepEqual(verdict.firstBroken, { seq: "5", reason: "column subjects differs from the entry's body: the row was edited" });

    // Times and arrays are compared as text: a shift of a millisecond, one coordinate more, or
    // NULL for an empty list is an edit as much as a changed principal is.
    const third = await ledgerOf40();
    await tamper(
      third.db.url,
      `UPDATE governance.ledger_entry SET created_at = created_at + interval '1 millisecond' WHERE seq = 7;
       UPDATE governance.ledger_entry SET coordinates = coordinates || '{Person.idNumber}' WHERE seq = 9;
       UPDATE governance.ledger_entry SET denied = NULL WHERE seq = 11`,
    );
    verdict = await verifyLedger(third.pool, publicJwk);
    assert.deepEqual(
      verdict.breaks.map((b) => [b.seq, /column (\w+) differs/.exec(b.reason)?.[1]]),
      [
        ["7", "created_at"],
        ["9", "coordinates"],
        ["11", "denied"],
      ],
    );
  });

  it("names the entry after a deleted one", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(db.url, `DELETE FROM governance.ledger_entry WHERE seq = 12`);
    const verdict = await verifyLedger(pool, publicJwk);
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq, b.lastSeq]), [["deleted", "12", "12"]]);
    assert.match(verdict.firstBroken!.reason, /entry 12 is missing: entry 13 chains to an entry no longer in the ledger/);
  });

  it("names the first of two swapped entries", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(
      db.url,
      `UPDATE governance.ledger_entry SET seq = -1 WHERE seq = 25`,
      `UPDATE governance.ledger_entry SET seq = 25 WHERE seq = 26`,
      `UPDATE governance.ledger_entry SET seq = 26 WHERE seq = -1`,
    );
    assert.equal(await count(pool), ENTRIES);
    const verdict = await verifyLedger(pool, publicJwk);
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq]), [["reordered", "26"]], "one report for one swap");
    assert.match(verdict.firstBroken!.reason, /entry 26 comes after entry 25, which chains from it/);
  });

  it("detects a truncated tail by the latest signed checkpoint", async () => {
    const { db, pool } = await ledgerOf40();
    await tamper(db.url, `DELETE FROM governance.ledger_entry WHERE seq > 34`);
    const verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.entries, 34, "every remaining entry links");
    assert.equal(verdict.firstBroken?.seq, "40");
    assert.match(verdict.firstBroken!.reason, /ends at seq 34, before the checkpoint of seq 40/);
  });

  it("detects entries deleted before a checkpoint even when the chain was re-linked after them", async () => {
    const { db, pool } = await ledgerOf40();
    // Remove 31-40, then let a gateway append again: sequence numbers are gapless, so the new
    // entries take 31-40 again and link to entry 30 -- a chain that is whole, but not the signed one.
    await tamper(db.url, `DELETE FROM governance.ledger_entry WHERE seq > 30`);
    const ledger = await ledgerOver(pool, { checkpointEvery: 1_000 });
    await ledger.append(sampleEntry(100));
    await ledger.flush();
    let verdict = await verifyLedger(pool, publicJwk);
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq]), [["truncated", "40"]], "one entry back: shorter than signed");
    for (let i = 1; i < 10; i++) await ledger.append(sampleEntry(100 + i));
    await ledger.flush();
    verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.entries, 40, "the refilled chain links");
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq]), [["contradicts-anchor", "40"]]);
    assert.match(verdict.firstBroken!.reason, /another hash at seq 40 than the checkpoint of seq 40/);
    await ledger.close();
  });

  it("rejects a checkpoint signed with another key, and one whose columns were edited", async () => {
    const { db, pool } = await ledgerOf40();
    const forger = await generateEs256();
    const sign = await createCheckpointSigner(forger.privateJwk);
    const head = (await pool.query("SELECT seq::text AS seq, hash FROM governance.ledger_entry ORDER BY ledger_entry.seq DESC LIMIT 1")).rows[0];
    const signedAt = new Date().toISOString();
    // A checkpoint in the future of the chain, signed by a stranger: it must not count as truncation proof nor pass.
    const signature = await sign({ seq: "41", hash: head.hash, signedAt });
    await tamper(
      db.url,
      `INSERT INTO governance.ledger_checkpoint (seq, hash, signed_at, signature) VALUES (41, '${head.hash}', '${signedAt}', '${signature}')`,
    );
    let verdict = await verifyLedger(pool, publicJwk);
    assert.equal(verdict.ok, false);
    assert.equal(verdict.entries, ENTRIES);
    assert.equal(verdict.firstBroken?.seq, "41");
    assert.match(verdict.firstBroken!.reason, /not the gateway's/);

    const other = await ledgerOf40();
    await tamper(other.db.url, `UPDATE governance.ledger_checkpoint SET seq = 39 WHERE seq = 40`);
    verdict = await verifyLedger(other.pool, publicJwk);
    assert.equal(verdict.firstBroken?.seq, "39");
    assert.match(verdict.firstBroken!.reason, /signed statement differs/);
  });

  it("verifies with any of several public keys (a rotated gateway key)", async () => {
    const { pool } = await ledgerOf40();
    const stranger = await generateEs256();
    assert.equal((await verifyLedger(pool, [stranger.publicJwk, publicJwk])).ok, true);
    const wrong = await verifyLedger(pool, stranger.publicJwk);
    assert.equal(wrong.ok, false);
    assert.match(wrong.firstBroken!.reason, /not the gateway's/);
  });
});
