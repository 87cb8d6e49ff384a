import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { createLedgerPool, verifyLedger } from "@citygraph/ledger";
import { createLedgerSpool } from "../../../packages/ledger/src/spool.ts";
import type { TestDatabase } from "../../support/database.ts";
import { testSecurity } from "../../support/security.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, quietLog, sampleEntry } from "./harness.ts";

/**
 * A TCP relay in front of PostgreSQL that can be cut and restored on the same port: a database
 * outage as the gateway sees it, without touching the server the other tests use.
 */
async function relayTo(target: URL): Promise<{ url: string; down(): Promise<void>; up(): Promise<void>; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve, reject) => {
      server = createServer((client) => {
        const upstream = connect(Number(target.port || 5432), target.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on("close", () => sockets.delete(s));
          s.on("error", () => undefined);
        }
        client.pipe(upstream).pipe(client);
      });
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => {
        port = (server!.address() as AddressInfo).port;
        resolve();
      });
    });
  const down = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    server = undefined;
  };
  await up();
  const url = new URL(target);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return { url: url.toString(), down, up, close: down };
}

describe("the ledger spool (entries without personal data during a database outage)", () => {
  const databases: TestDatabase[] = [];
  const cleanups: (() => Promise<void> | void)[] = [];
  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await Promise.all(databases.map((d) => d.drop()));
    await dropTemplate();
  });

  async function outageRig() {
    const db = await ledgerDatabase();
    databases.push(db);
    const relay = await relayTo(new URL(db.url));
    const pool = createLedgerPool(relay.url);
    const direct = new pg.Pool({ connectionString: db.url, max: 1 });
    const dir = mkdtempSync(join(tmpdir(), "citygraph-spool-"));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }), () => direct.end(), () => pool.end().catch(() => undefined), () => relay.close());
    const requestIds = async () =>
      (await direct.query<{ request_id: string }>("SELECT request_id FROM governance.ledger_entry ORDER BY seq")).rows.map((r) => r.request_id);
    return { db, relay, pool, direct, path: join(dir, "spool.jsonl"), requestIds };
  }

  it("keeps them through an outage on disk, fsync'd, and replays them in order when the database returns", async () => {
    const { relay, pool, direct, path, requestIds } = await outageRig();
    const ledger = await ledgerOver(pool);
    const spool = createLedgerSpool({ ledger, path, replayIntervalMs: 3_600_000, log: quietLog });
    cleanups.push(() => spool.close(), () => ledger.close().catch(() => undefined));

    spool.keep(sampleEntry(1, { requestId: "before", subjects: [] }));
    await spool.settled();
    assert.deepEqual(await requestIds(), ["before"]);

    await relay.down();
    for (let i = 0; i < 5; i++) spool.keep(sampleEntry(10 + i, { requestId: `during-${i}`, subjects: [] }));
    // Personal data still fails closed: nobody keeps it for later.
    await assert.rejects(ledger.append(sampleEntry(99, { requestId: "personal" })));
    await spool.settled();
    assert.equal(spool.stats().entries, 5);
    const lines = readFileSync(path, "utf8").trim().split("\n");
    assert.deepEqual(lines.map((l) => (JSON.parse(l) as { requestId: string }).requestId).sort(), ["during-0", "during-1", "during-2", "during-3", "during-4"]);
    await spool.replay();
    assert.equal(spool.stats().entries, 5, "while the database is still down, the spool keeps everything");

    await relay.up();
    await spool.replay();
    assert.equal(spool.stats().entries, 0);
    assert.equal(spool.stats().replayed, 5);
    const ids = await requestIds();
    assert.equal(ids[0], "before");
    assert.deepEqual(ids.slice(1).sort(), ["during-0", "during-1", "during-2", "during-3", "during-4"]);
    assert.equal(ids.length, 6, "entries == requests: none lost, none twice");
    assert.equal((await verifyLedger(direct, (await testSecurity()).gatewayKeys.publicJwk)).ok, true);
  });

  it("replays what a gateway that stopped during the outage left behind, at the next start", async () => {
    const { relay, pool, path, requestIds } = await outageRig();
    const first = await ledgerOver(pool);
    const spool = createLedgerSpool({ ledger: first, path, replayIntervalMs: 3_600_000, log: quietLog });
    await relay.down();
    for (let i = 0; i < 3; i++) spool.keep(sampleEntry(i, { requestId: `left-${i}`, subjects: [] }));
    await spool.close();
    await first.close().catch(() => undefined);

    await relay.up();
    const next = await ledgerOver(pool);
    const resumed = createLedgerSpool({ ledger: next, path, replayIntervalMs: 3_600_000, log: quietLog });
    cleanups.push(() => resumed.close(), () => next.close());
    assert.equal(resumed.stats().entries, 3, "the spool's size is visible from the start");
    await resumed.replay();
    assert.deepEqual((await requestIds()).sort(), ["left-0", "left-1", "left-2"]);
  });

  it("is bounded: past its size an entry is dropped and counted, not written", async () => {
    const { relay, pool, path } = await outageRig();
    const ledger = await ledgerOver(pool);
    const spool = createLedgerSpool({ ledger, path, maxBytes: 2_048, replayIntervalMs: 3_600_000, log: quietLog });
    cleanups.push(() => spool.close(), () => ledger.close().catch(() => undefined));
    await relay.down();
    for (let i = 0; i < 10; i++) spool.keep(sampleEntry(i, { subjects: [] }));
    await spool.settled();
    const { entries, bytes, dropped } = spool.stats();
    assert.ok(entries > 0 && dropped > 0 && entries + dropped === 10, JSON.stringify(spool.stats()));
    assert.ok(bytes <= 2_048);
    await relay.up();
  });
});
