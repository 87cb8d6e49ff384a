import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { Rng, runSeed, type SeedPlan } from "@citygraph/core";
import { createTestDatabase, type TestDatabase } from "../../../support/database.ts";

function plan(schema: string): SeedPlan {
  return {
    schema,
    tables: (scale) => [
      {
        table: `${schema}.reading`,
        columns: ["id", "label", "value", "taken_at"],
        count: 1_000 * scale,
        row: (i) => {
          const rng = Rng.for("reading", i);
          return [i, `tab\there "quoted" \\ ${i}`, rng.int(0, 1000), new Date(Date.UTC(2026, 0, 1) + i * 60_000)];
        },
      },
    ],
  };
}

describe("the seed writer", () => {
  let db: TestDatabase;
  let pool: pg.Pool;

  before(async () => {
    db = await createTestDatabase();
    pool = new pg.Pool({ connectionString: db.url, max: 2 });
    for (const schema of ["whole", "resumed", "deferred"]) {
      await pool.query(`CREATE SCHEMA ${schema}`);
      await pool.query(`CREATE TABLE ${schema}.reading (id int PRIMARY KEY, label text, value int, taken_at timestamptz)`);
      await pool.query(`CREATE INDEX reading_value_idx ON ${schema}.reading (value, id)`);
    }
  });

  after(async () => {
    await pool.end();
    await db.drop();
  });

  async function digest(schema: string): Promise<string> {
    const { rows } = await pool.query(
      `SELECT count(*)::int AS n, md5(string_agg(id || '|' || label || '|' || value || '|' || taken_at, ',' ORDER BY id)) AS h FROM ${schema}.reading`,
    );
    return `${rows[0].n}:${rows[0].h}`;
  }

  it("resumes an interrupted seed and ends with exactly what an uninterrupted one writes", async () => {
    await runSeed(pool, plan("whole"), { scale: 2, batchSize: 150 });
    let batches = 0;
    await assert.rejects(
      runSeed(pool, plan("resumed"), {
        scale: 2,
        batchSize: 150,
        onProgress: () => {
          if (++batches === 4) throw new Error("simulated crash");
        },
      }),
      /simulated crash/,
    );
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM resumed.reading");
    assert.equal(rows[0].n, 600, "the four committed batches survive the crash");
    const report = await runSeed(pool, plan("resumed"), { scale: 2, batchSize: 150 });
    assert.equal(report.rowsWritten, 1_400);
    assert.equal(await digest("resumed"), await digest("whole"));
  });

  it("does nothing when run again at the same scale", async () => {
    const report = await runSeed(pool, plan("whole"), { scale: 2 });
    assert.equal(report.rowsWritten, 0);
    assert.deepEqual(report.skipped, ["whole.reading"]);
  });

  it("refuses another scale unless told to reset", async () => {
    await assert.rejects(runSeed(pool, plan("whole"), { scale: 3 }), /seeded at scale 2.*--reset/s);
    const report = await runSeed(pool, plan("whole"), { scale: 3, reset: true });
    assert.equal(report.rowsWritten, 3_000);
  });

  async function indexes(schema: string): Promise<string[]> {
    const { rows } = await pool.query("SELECT indexname FROM pg_indexes WHERE schemaname = $1 ORDER BY 1", [schema]);
    return rows.map((r) => r.indexname);
  }

  it("loads large tables without their secondary indexes and rebuilds them, even after an interruption", async () => {
    let batches = 0;
    await assert.rejects(
      runSeed(pool, plan("deferred"), {
        scale: 2,
        batchSize: 300,
        deferIndexesFrom: 1_000,
        onProgress: () => {
          if (++batches === 2) throw new Error("simulated crash");
        },
      }),
      /simulated crash/,
    );
    assert.deepEqual(await indexes("deferred"), ["reading_pkey"], "dropped while loading");
    await runSeed(pool, plan("deferred"), { scale: 2, batchSize: 300, deferIndexesFrom: 1_000 });
    assert.deepEqual(await indexes("deferred"), ["reading_pkey", "reading_value_idx"]);
    assert.equal(await digest("deferred"), await digest("resumed"));
  });
});
