import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPostgresQuotaStore, createRedisQuotaStore, windowOf, type QuotaStore } from "../../../../services/gateway/src/quota/index.ts";
import { dropTemplate, ledgerDatabase } from "../../../packages/ledger/harness.ts";
import type { TestDatabase } from "../../../support/database.ts";
import { testRedis, type TestRedis } from "../../../support/redis.ts";

/**
 * The same contract for both stores, each exercised as two gateway instances would: two separate
 * connections taking from one window in parallel.
 */
function contract(instances: () => [QuotaStore, QuotaStore]) {
  it("lets parallel takes from two instances count no more than the limit in total", async () => {
    const [a, b] = instances();
    const day = windowOf(randomUUID(), "records", Date.now());
    // 40 responses of 3 records each against 10 records a day: exactly 3 fit (9), none partly.
    const takes = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).take(day, 3, 10)));
    assert.equal(takes.filter((t) => t.kind === "taken").length, 3);
    assert.equal(await a.read(day), 9);
    assert.equal(await b.read(day), 9);
    for (const refused of takes.filter((t) => t.kind === "refused")) assert.equal(refused.used, 9);
  });

  it("counts nothing for an amount that does not fit, even in an empty window", async () => {
    const [a] = instances();
    const day = windowOf(randomUUID(), "records", Date.now());
    assert.deepEqual(await a.take(day, 20, 10), { kind: "refused", used: 0 });
    assert.equal(await a.read(day), 0);
    assert.deepEqual(await a.take(day, 10, 10), { kind: "taken", used: 10 });
    assert.deepEqual(await a.take(day, 1, 10), { kind: "refused", used: 10 });
  });

  it("admits exactly the requests per minute under a burst, and does not count refused ones", async () => {
    const [a, b] = instances();
    const minute = windowOf(randomUUID(), "requests", Date.now());
    const takes = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).take(minute, 1, 4)));
    assert.equal(takes.filter((t) => t.kind === "taken").length, 4);
    assert.equal(await a.read(minute), 4);
  });

  it("keeps windows and agreements apart", async () => {
    const [a] = instances();
    const agreement = randomUUID();
    const today = windowOf(agreement, "records", Date.now());
    const tomorrow = windowOf(agreement, "records", Date.now() + 86_400_000);
    await a.take(today, 5, 5);
    assert.equal((await a.take(tomorrow, 5, 5)).kind, "taken");
    assert.equal((await a.take(windowOf(randomUUID(), "records", Date.now()), 5, 5)).kind, "taken");
  });

  it("refuses amounts a counter cannot hold", async () => {
    const [a] = instances();
    const day = windowOf(randomUUID(), "records", Date.now());
    await assert.rejects(a.take(day, -1, 10), RangeError);
    await assert.rejects(a.take(day, 1.5, 10), RangeError);
  });
}

describe("the PostgreSQL quota store", () => {
  let database: TestDatabase;
  const pools: pg.Pool[] = [];
  let stores: [QuotaStore, QuotaStore];
  before(async () => {
    database = await ledgerDatabase();
    for (let i = 0; i < 2; i++) pools.push(new pg.Pool({ connectionString: database.url, max: 8 }));
    stores = [createPostgresQuotaStore(pools[0]!), createPostgresQuotaStore(pools[1]!)];
  });
  after(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await database.drop();
    await dropTemplate();
  });
  contract(() => stores);
});

describe("the Redis quota store", async () => {
  const redis: TestRedis = await testRedis();
  let stores: [QuotaStore, QuotaStore];
  before(() => {
    if (redis.kind === "ready") stores = [createRedisQuotaStore(redis.url), createRedisQuotaStore(redis.url)];
  });
  after(async () => {
    await Promise.all(stores?.map((s) => s.close()) ?? []);
    if (redis.kind === "ready") await redis.stop();
  });
  if (redis.kind === "absent") {
    it("needs Redis", { skip: redis.reason }, () => undefined);
    return;
  }
  contract(() => stores);
});
