import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { createPostgresReplayCache, type ReplayCache } from "@citygraph/core";
import { createTestDatabase, type TestDatabase } from "../../../support/database.ts";

/**
 * The PostgreSQL store of used gateway token ids (the embedded default's): real PostgreSQL, the
 * table as the subgraphs' migrations create it.
 */
describe("the PostgreSQL token replay store", () => {
  let database: TestDatabase;
  let admin: pg.Client;
  let first: ReplayCache;
  let second: ReplayCache;
  const expiry = () => Date.now() + 15_000;
  before(async () => {
    database = await createTestDatabase();
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA registry;
      CREATE TABLE registry.gateway_token_use (jti VARCHAR(64) NOT NULL PRIMARY KEY, expires_at TIMESTAMPTZ(3) NOT NULL)`);
    // Two instances of one subgraph, each with its own pool: what one claims, the other sees.
    first = createPostgresReplayCache({ subgraph: "registry", databaseUrl: database.url });
    second = createPostgresReplayCache({ subgraph: "registry", databaseUrl: database.url });
  });
  after(async () => {
    await first.close();
    await second.close();
    await admin.end();
    await database.drop();
  });

  it("answers a token id's first use once, across instances", async () => {
    const id = randomUUID();
    assert.equal(await first.claim(id, expiry()), true);
    assert.equal(await first.claim(id, expiry()), false);
    assert.equal(await second.claim(id, expiry()), false);
  });

  it("claims arriving together share one statement, and a token id claimed twice among them is a first use once", async () => {
    const ids = Array.from({ length: 20 }, () => randomUUID());
    const replayed = ids[3]!;
    const answers = await Promise.all([...ids, replayed, replayed].map((id) => first.claim(id, expiry())));
    assert.deepEqual(answers.slice(0, 20), Array(20).fill(true));
    assert.deepEqual(answers.slice(20), [false, false], "the same token id twice in one batch");
    // Rows written by one statement share its transaction id.
    const { rows } = await admin.query<{ n: number; transactions: number }>(
      "SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM registry.gateway_token_use WHERE jti = ANY($1)",
      [ids],
    );
    assert.deepEqual(rows[0], { n: 20, transactions: 1 });
  });

  it("fails every claim of a batch when the store cannot answer, so each request is refused", async () => {
    const broken = createPostgresReplayCache({ subgraph: "registry", databaseUrl: database.url.replace(/\/[^/]+$/, "/no_such_database") });
    try {
      const results = await Promise.allSettled([broken.claim(randomUUID(), expiry()), broken.claim(randomUUID(), expiry())]);
      assert.deepEqual(results.map((r) => r.status), ["rejected", "rejected"]);
    } finally {
      await broken.close();
    }
  });
});
