import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { createLogger } from "@citygraph/core";
import {
  acknowledgeLedgerBreak,
  canonicalJson,
  createFileAnchorSink,
  createLedgerGuard,
  createLedgerPool,
  createPostgresAnchorSink,
  entryHash,
  ledgerColumnsOf,
  setupAnchorDatabase,
  verifyLedger,
  type AnchorSink,
  type LedgerEntryInput,
} from "@citygraph/ledger";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { createTestDatabase, testServerUrl, type TestDatabase } from "../../support/database.ts";
import { bearer, testSecurity } from "../../support/security.ts";
import { startStack, type TestStack } from "../../support/stack.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, quietLog, sampleEntry, tamper } from "./harness.ts";

/**
 * Issue #8 finding 1, tried as a hostile database superuser would (triggers off): every attack is
 * invisible to a verify of the database alone, and named, with its kind, once the anchors the
 * gateway published outside the database are checked.
 */
describe("tampering with the ledger as a database superuser", () => {
  const databases: TestDatabase[] = [];
  const pools: pg.Pool[] = [];
  const dirs: string[] = [];
  let publicJwk: Awaited<ReturnType<typeof testSecurity>>["gatewayKeys"]["publicJwk"];
  let privateJwk: Awaited<ReturnType<typeof testSecurity>>["gatewayKeys"]["privateJwk"];
  before(async () => {
    ({ publicJwk, privateJwk } = (await testSecurity()).gatewayKeys);
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end().catch(() => undefined)));
    await Promise.all(databases.map((d) => d.drop()));
    await dropTemplate();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  function anchorFile(): string {
    const dir = mkdtempSync(join(tmpdir(), "citygraph-anchors-"));
    dirs.push(dir);
    return join(dir, "anchors.jsonl");
  }

  /** A ledger of `n` entries in batches of 5, checkpointed every 10, each commit anchored to `sinks`. */
  async function anchoredLedger(n: number, sinks: () => AnchorSink[]) {
    const db = await ledgerDatabase();
    databases.push(db);
    const pool = createLedgerPool(db.url);
    pools.push(pool);
    const guard = await createLedgerGuard({ sinks: sinks(), signingKey: privateJwk, log: quietLog });
    const ledger = await ledgerOver(pool, { maxBatch: 5, checkpointEvery: 10, hooks: guard.hooks });
    // The publisher coalesces heads committed while an anchor is being written (under load, one
    // anchor for several commits): each batch waits for its head's anchor, so every fifth entry is
    // anchored however busy the machine, as the tests below expect.
    const [watcher] = sinks();
    for (let i = 0; i < n; i += 5) {
      await Promise.all(Array.from({ length: Math.min(5, n - i) }, (_, k) => ledger.append(sampleEntry(i + k))));
      const head = BigInt(Math.min(i + 5, n));
      for (let tries = 0; BigInt((await watcher!.latest())?.seq ?? "0") < head; tries++) {
        assert.ok(tries < 500, `the anchor of seq ${head} is published`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    }
    await watcher!.close();
    await ledger.close();
    await guard.close();
    return { db, pool };
  }

  const hashAt = async (pool: pg.Pool, seq: number) =>
    (await pool.query<{ hash: string }>("SELECT hash FROM governance.ledger_entry WHERE seq = $1", [seq])).rows[0]!.hash;

  it("names entries deleted after the latest checkpoint, though the gateway refilled their seqs and checkpointed over them", async () => {
    const path = anchorFile();
    const { db, pool } = await anchoredLedger(35, () => [createFileAnchorSink({ path })]);
    const deleted = await hashAt(pool, 35);
    // The checkpoint at 30 stays; 31-35 go; a gateway (unguarded, as before) appends and checkpoints again.
    await tamper(db.url, "DELETE FROM governance.ledger_entry WHERE seq > 30", "DELETE FROM governance.ledger_checkpoint WHERE seq > 30");
    // Gapless sequence numbers: the refill takes 31-35 again, each linked and checkpointed.
    const gateway = await ledgerOver(pool, { checkpointEvery: 1 });
    for (let i = 0; i < 5; i++) await gateway.append(sampleEntry(100 + i));
    await gateway.close();

    assert.equal((await verifyLedger(pool, publicJwk)).ok, true, "the database alone shows nothing");
    const sink = createFileAnchorSink({ path });
    const verdict = await verifyLedger(pool, publicJwk, { anchors: [sink] });
    await sink.close();
    assert.equal(verdict.ok, false);
    assert.deepEqual(verdict.breaks.map((b) => b.kind), ["contradicts-anchor"]);
    const [found] = verdict.breaks;
    assert.equal(found!.anchor?.source, path);
    assert.equal(found!.anchor?.seq, "35", "the anchor of the deleted tail's head");
    assert.equal(found!.anchor?.hash, deleted);
    assert.match(found!.reason, /another hash at seq 35 than the anchor of seq 35 .*: the chain was rewritten/);
  });

  it("does not mistake heads anchored while it walks for a truncated ledger", async () => {
    const path = anchorFile();
    const { pool } = await anchoredLedger(20, () => [createFileAnchorSink({ path })]);
    // The gateway goes on: while the walk reads its snapshot, five more entries commit and are
    // anchored (a verification requested through the gateway anchors its own request so).
    const guard = await createLedgerGuard({ sinks: [createFileAnchorSink({ path })], signingKey: privateJwk, log: quietLog });
    const ledger = await ledgerOver(pool, { maxBatch: 5, checkpointEvery: 10, hooks: guard.hooks });
    const sink = createFileAnchorSink({ path });
    const meanwhile: AnchorSink = {
      name: sink.name,
      append: (anchors) => sink.append(anchors),
      latest: () => sink.latest(),
      close: () => sink.close(),
      async *read() {
        await Promise.all(Array.from({ length: 5 }, (_, k) => ledger.append(sampleEntry(100 + k))));
        await ledger.close();
        await guard.close();
        yield* sink.read();
      },
    };
    const verdict = await verifyLedger(pool, publicJwk, { anchors: [meanwhile] });
    await sink.close();
    assert.deepEqual(verdict.breaks, []);
    assert.equal(verdict.entries, 20, "the snapshot's entries");
    const later = createFileAnchorSink({ path });
    assert.equal((await later.latest())?.seq, "25", "the heads committed meanwhile were anchored");
    assert.equal((await verifyLedger(pool, publicJwk, { anchors: [later] })).ok, true, "and check out on the next walk");
    await later.close();
  });

  it("names a tail deleted together with its checkpoints, as truncated at the anchored seq and hash", async () => {
    const path = anchorFile();
    const { db, pool } = await anchoredLedger(40, () => [createFileAnchorSink({ path })]);
    // Which heads got anchors depends on how appends formed group commits (a publish in flight
    // coalesces the heads behind it): read them rather than assume one every 5 entries.
    const reader = createFileAnchorSink({ path });
    const anchored: string[] = [];
    for await (const record of reader.read()) if (record.kind === "anchor" && Number(record.anchor.seq) > 25) anchored.push(record.anchor.seq);
    await reader.close();
    anchored.sort((a, b) => Number(a) - Number(b));
    assert.equal(anchored.at(-1), "40", "the last head is always anchored");
    const [first] = anchored;
    const hashAtFirst = await hashAt(pool, Number(first));
    await tamper(db.url, "DELETE FROM governance.ledger_entry WHERE seq > 25", "DELETE FROM governance.ledger_checkpoint WHERE seq > 25");
    assert.equal((await verifyLedger(pool, publicJwk)).ok, true, "the database alone shows nothing");
    const sink = createFileAnchorSink({ path });
    const verdict = await verifyLedger(pool, publicJwk, { anchors: [sink] });
    await sink.close();
    const many = anchored.length > 1;
    assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq, b.lastSeq]), [["truncated", first, many ? "40" : undefined]]);
    assert.deepEqual(verdict.breaks[0]!.anchor, {
      source: path,
      seq: first,
      hash: hashAtFirst,
      signedAt: verdict.breaks[0]!.anchor!.signedAt,
      ...(many ? { count: anchored.length } : {}),
    });
    assert.match(verdict.breaks[0]!.reason, new RegExp(`the ledger ends at seq 25, before the anchor of seq ${first} `));
    if (many) assert.match(verdict.breaks[0]!.reason, new RegExp(`and ${anchored.length - 1} later anchors? up to seq 40`));
  });

  describe("with the audit office's own database as the sink", () => {
    let anchorDb: TestDatabase;
    let writerUrl: string;
    let ownerUrl: string;
    const suffix = randomBytes(4).toString("hex");
    const owner = `audit_office_${suffix}`;
    const writer = `anchor_writer_${suffix}`;
    before(async () => {
      anchorDb = await createTestDatabase();
      const admin = new pg.Client({ connectionString: testServerUrl() });
      await admin.connect();
      await admin.query(`CREATE ROLE ${owner} LOGIN PASSWORD 'office-secret'`);
      await admin.query(`CREATE ROLE ${writer} LOGIN PASSWORD 'writer-secret'`);
      await admin.query(`ALTER DATABASE ${anchorDb.name} OWNER TO ${owner}`);
      await admin.end();
      const url = (user: string, password: string) => {
        const u = new URL(anchorDb.url);
        u.username = user;
        u.password = password;
        return u.toString();
      };
      ownerUrl = url(owner, "office-secret");
      writerUrl = url(writer, "writer-secret");
      await setupAnchorDatabase(ownerUrl, writer);
    });
    after(async () => {
      await anchorDb.drop();
      const admin = new pg.Client({ connectionString: testServerUrl() });
      await admin.connect();
      await admin.query(`DROP ROLE IF EXISTS ${writer}`);
      await admin.query(`DROP ROLE IF EXISTS ${owner}`);
      await admin.end();
    });

    it("names a rewrite of many entries' subjects and outcomes with recomputed hashes and dropped checkpoints", async () => {
      const { db, pool } = await anchoredLedger(60, () => [createPostgresAnchorSink(writerUrl)]);
      const original15 = await hashAt(pool, 15);
      // Rewrite 11-60: nobody was read, everything was denied; recompute every hash after; drop checkpoints from 11.
      const { rows } = await pool.query<{ seq: string; body: string; prev_hash: string }>(
        "SELECT seq::text AS seq, body, prev_hash FROM governance.ledger_entry WHERE seq >= 11 ORDER BY seq",
      );
      let prev = rows[0]!.prev_hash;
      const statements: string[] = ["DELETE FROM governance.ledger_checkpoint WHERE seq >= 11"];
      for (const row of rows) {
        const entry = { ...(JSON.parse(row.body) as LedgerEntryInput), subjects: [], outcome: "denied" as const };
        const body = canonicalJson(entry);
        const hash = entryHash(prev, body);
        const c = ledgerColumnsOf(entry);
        statements.push(
          `UPDATE governance.ledger_entry SET body = ${pg.escapeLiteral(body)}, prev_hash = '${prev}', hash = '${hash}', ` +
            `outcome = '${c.outcome}', subjects = '{}' WHERE seq = ${row.seq}`,
        );
        prev = hash;
      }
      await tamper(db.url, ...statements);
      assert.equal((await verifyLedger(pool, publicJwk)).ok, true, "the rewritten chain is consistent in itself");

      const sink = createPostgresAnchorSink(writerUrl);
      const verdict = await verifyLedger(pool, publicJwk, { anchors: [sink] });
      await sink.close();
      assert.deepEqual(verdict.breaks.map((b) => [b.kind, b.seq, b.lastSeq]), [["contradicts-anchor", "15", "60"]]);
      assert.equal(verdict.breaks[0]!.anchor?.hash, original15);
      assert.match(verdict.breaks[0]!.reason, /the chain holds another hash at seq 15 than the anchor of seq 15 .* the chain was rewritten/);
    });

    it("lets the gateway's role only insert, and refuses changes even to the owner", async () => {
      const sink = createPostgresAnchorSink(writerUrl);
      await sink.append([{ seq: "1000", hash: "a".repeat(64), signedAt: new Date().toISOString(), signature: "x.y.z" }]);
      assert.equal((await sink.latest())?.seq, "1000");
      await sink.close();
      for (const [url, pattern] of [
        [writerUrl, /permission denied/],
        [ownerUrl, /append-only/],
      ] as const) {
        const client = new pg.Client({ connectionString: url });
        await client.connect();
        await assert.rejects(client.query("UPDATE ledger_anchor.anchor SET hash = 'b'"), pattern);
        await assert.rejects(client.query("DELETE FROM ledger_anchor.anchor"), pattern);
        await client.end();
      }
    });
  });

  it("reports every break of several in one chain, each once, with its kind", async () => {
    const path = anchorFile();
    const { db, pool } = await anchoredLedger(60, () => [createFileAnchorSink({ path })]);
    await tamper(
      db.url,
      // An edited body (hash left alone), and a deletion two entries later: both reported.
      `UPDATE governance.ledger_entry SET body = replace(body, '"rowCount":1', '"rowCount":0') WHERE seq = 5`,
      `DELETE FROM governance.ledger_entry WHERE seq = 7`,
      // An edit that recomputes its own hash.
      `UPDATE governance.ledger_entry SET body = replace(body, '"rowCount":1', '"rowCount":9') WHERE seq = 12`,
      `UPDATE governance.ledger_entry SET hash = encode(sha256(convert_to(prev_hash || body, 'UTF8')), 'hex') WHERE seq = 12`,
      // Two entries swapped.
      `UPDATE governance.ledger_entry SET seq = -1 WHERE seq = 21`,
      `UPDATE governance.ledger_entry SET seq = 21 WHERE seq = 22`,
      `UPDATE governance.ledger_entry SET seq = 22 WHERE seq = -1`,
      // A run of three deleted from the middle.
      `DELETE FROM governance.ledger_entry WHERE seq BETWEEN 33 AND 35`,
    );
    const verdict = await verifyLedger(pool, publicJwk, { batchSize: 7 });
    assert.deepEqual(
      verdict.breaks.map((b) => [b.kind, b.seq, b.lastSeq]),
      [
        ["edited", "5", undefined],
        ["deleted", "7", "7"],
        ["edited", "12", undefined],
        ["reordered", "22", undefined],
        ["deleted", "33", "35"],
      ],
    );
    assert.equal(verdict.entries, 56, "the walk went on to the end");
    const sink = createFileAnchorSink({ path });
    const anchored = await verifyLedger(pool, publicJwk, { anchors: [sink] });
    await sink.close();
    // The anchors add what they contradict (an anchor at 35 is missing) and no noise elsewhere.
    assert.deepEqual(
      anchored.breaks.filter((b) => b.anchor?.source === path).map((b) => [b.kind, b.seq]),
      [["contradicts-anchor", "35"]],
    );
  });

  it("reports a forged anchor and a damaged line, and tolerates a crash's partial last line", async () => {
    const path = anchorFile();
    const { pool } = await anchoredLedger(10, () => [createFileAnchorSink({ path })]);
    const { appendFileSync } = await import("node:fs");
    appendFileSync(path, `not an anchor\n${JSON.stringify({ seq: "3", hash: "f".repeat(64), signedAt: new Date().toISOString(), signature: "e30.e30.AAAA" })}\n{"seq":"1`);
    const sink = createFileAnchorSink({ path });
    const verdict = await verifyLedger(pool, publicJwk, { anchors: [sink] });
    assert.deepEqual(verdict.breaks.map((b) => b.kind).sort(), ["bad-signature", "damaged-anchor"]);
    assert.equal(verdict.warnings.length, 1);
    assert.match(verdict.warnings[0]!, /partial last line/);
    // The next append starts on a line of its own: nothing written before is lost or merged.
    await sink.append([{ seq: "10", hash: await hashAt(pool, 10), signedAt: new Date().toISOString(), signature: "e30.e30.AAAA" }]);
    await sink.close();
    const again = await verifyLedger(pool, publicJwk, { anchors: [createFileAnchorSink({ path })] });
    assert.equal(again.anchors[0]!.anchors, 2, "the two genuine anchors still verify");
    assert.equal(again.warnings.length, 0);
  });
});

describe("the watchful writer under a running gateway", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  let dir: string;
  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    dir = mkdtempSync(join(tmpdir(), "citygraph-anchors-"));
  });
  after(async () => {
    await pool.end();
    await stack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("notices a tail deleted under it, withholds personal data and says so in /readyz until acknowledged", async () => {
    const security = await testSecurity();
    const anchors = { file: join(dir, "anchors.jsonl") };
    const gateway = await createGateway({
      supergraphSdl: loadSupergraph(),
      subgraphUrls: Object.fromEntries(Object.entries(stack.services.subgraphs).map(([n, s]) => [n, s.server.url])),
      identity: security.identity,
      roles: security.roles,
      signingKey: security.gatewayKeys.privateJwk,
      governance: { databaseUrl: stack.database.url, anchors },
      log: createLogger({ test: true }, "fatal" as "error"),
      explorer: false,
    });
    const { url } = await gateway.listen(0);
    const officer = await bearer(["role:health-officer"]);
    const post = async (query: string, headers: Record<string, string> = {}) => {
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
      return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
    };
    const readyz = async () => (await (await fetch(new URL("/readyz", url))).json()) as { status: string; ledger?: { status: string; compromise?: { kind: string; expected: { seq: string } } } };
    const personal = `{ persons(first: 2) { nodes { name } } }`;
    try {
      assert.equal((await post(personal, officer)).status, 200);
      assert.equal((await readyz()).ledger?.status, "ok");
      assert.ok(!JSON.stringify(await readyz()).includes(dir), "no server path in the public readiness answer");
      const head = (await pool.query<{ seq: string }>("SELECT max(seq)::text AS seq FROM governance.ledger_entry")).rows[0]!.seq;

      await tamper(stack.database.url, `DELETE FROM governance.ledger_entry WHERE seq > ${Number(head) - 1}`, `DELETE FROM governance.ledger_checkpoint WHERE seq >= ${Number(head) - 1}`);

      const refused = await post(personal, officer);
      assert.equal(refused.status, 503);
      assert.equal(refused.body.errors?.[0]?.extensions?.code, "LEDGER_COMPROMISED");
      assert.equal(refused.body.data, undefined, "no personal data over a rewritten ledger");
      const report = await readyz();
      assert.equal(report.status, "degraded");
      assert.equal(report.ledger?.status, "compromised");
      assert.equal(report.ledger?.compromise?.kind, "regression");
      assert.equal(report.ledger?.compromise?.expected.seq, head);
      const open = await post(`{ districts { code } }`);
      assert.equal(open.status, 200, "public data keeps flowing");
      assert.equal((await post(personal, officer)).status, 503, "still withheld: nobody acknowledged");

      const ack = await acknowledgeLedgerBreak({
        pool,
        url: stack.database.url,
        operator: "ops.chen",
        reason: "tail deletion seen, incident 2026-118 opened",
        signingKey: security.gatewayKeys.privateJwk,
        sinks: [createFileAnchorSink({ path: anchors.file })],
        log: quietLog,
      });
      assert.equal(ack.compromise?.expected.seq, head, "the acknowledgement names the anchored head it found broken");
      assert.equal((await readyz()).ledger?.status, "ok");
      assert.equal((await post(personal, officer)).status, 200);
      const { rows } = await pool.query<{ principal: string; purpose: string }>("SELECT principal, purpose FROM governance.ledger_entry WHERE request_id = $1", [ack.requestId]);
      assert.deepEqual(rows, [{ principal: "user:ops.chen", purpose: "tail deletion seen, incident 2026-118 opened" }]);
    } finally {
      await gateway.close();
    }
  });
});
