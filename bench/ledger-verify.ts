/**
 * `npm run bench:ledger-verify`: writes a ledger of many entries through the real writer (group
 * commit, checkpoints, signed anchors to a file), then times `verifyLedger` over it with the
 * anchors and samples the process's RSS meanwhile. Goal (issue 8): 1 M entries verified in under
 * 30 s with flat memory (verify reads in batches; its memory must not grow with the ledger).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:ledger-verify -- --entries 1000000
 *
 * A throwaway database is created on that server and dropped at the end.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pg from "pg";
import { applyMigrations, createLogger, generateEs256 } from "@citygraph/core";
import { migrationsDir, prismaSchemaPath } from "@citygraph/platform";
import { createLedger, createLedgerPool, verifyLedger, type LedgerEntryInput } from "@citygraph/ledger";
import { createFileAnchorSink } from "../packages/ledger/src/anchor-file.ts";
import { createLedgerGuard } from "../packages/ledger/src/guard.ts";

const { values } = parseArgs({ options: { entries: { type: "string", default: "1000000" } } });
const entries = Number(values.entries);
if (!Number.isSafeInteger(entries) || entries < 1) throw new Error("--entries must be a positive whole number");
const server = process.env.DATABASE_URL;
if (!server) throw new Error("Set DATABASE_URL to a PostgreSQL server this benchmark may create a database on.");

const log = createLogger({ service: "bench" }, "warn");
const name = `citygraph_bench_verify_${process.pid}`;
const admin = new pg.Client({ connectionString: server });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(server);
url.pathname = `/${name}`;
const dir = mkdtempSync(join(tmpdir(), "citygraph-bench-verify-"));
try {
  await applyMigrations({ url: url.toString(), schema: "governance", migrationsDir: migrationsDir("governance"), datamodel: readFileSync(prismaSchemaPath("governance"), "utf8") });
  const keys = await generateEs256();
  const anchorPath = join(dir, "anchors.jsonl");
  const pool = createLedgerPool(url.toString(), { max: 4 });
  const guard = await createLedgerGuard({ sinks: [createFileAnchorSink({ path: anchorPath })], signingKey: keys.privateJwk, log });
  const ledger = createLedger({ pool, signingKey: keys.privateJwk, hooks: guard.hooks, log, maxBatch: 4_000, maxPending: 20_000, checkpointEvery: 10_000 });
  const started = Date.now();
  const entry = (i: number): LedgerEntryInput => ({
    time: new Date(Date.UTC(2026, 10, 1) + i * 10).toISOString(),
    requestId: `bench-${i}`,
    principal: { kind: "user", subject: `officer-${i % 97}`, org: "郑州市卫健委" },
    operationName: "PersonHealth",
    documentHash: "ab".repeat(32),
    fields: [
      { coordinate: "Person.name", decision: "masked" },
      { coordinate: "Person.healthCode", decision: "full" },
    ],
    subjects: [(i % 50_000).toString(16).padStart(16, "0")],
    rowCount: 1,
    outcome: "allowed",
    latencyMs: 3.5,
  });
  for (let i = 0; i < entries; i += 16_000) {
    await Promise.all(Array.from({ length: Math.min(16_000, entries - i) }, (_, k) => ledger.append(entry(i + k))));
    if ((i / 16_000) % 10 === 0) process.stderr.write(`bench: ${i + Math.min(16_000, entries - i)} / ${entries} entries written\n`);
  }
  await ledger.close();
  await guard.close();
  const writeSeconds = (Date.now() - started) / 1000;

  const rss: number[] = [];
  const sampler = setInterval(() => rss.push(process.memoryUsage().rss), 100);
  const before = process.memoryUsage().rss;
  const verifyStarted = Date.now();
  const sink = createFileAnchorSink({ path: anchorPath });
  const verdict = await verifyLedger(pool, keys.publicJwk, { anchors: [sink] });
  const verifySeconds = (Date.now() - verifyStarted) / 1000;
  clearInterval(sampler);
  await sink.close();
  await pool.end();
  const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
  const peak = Math.max(before, ...rss);
  console.log(`entries: ${verdict.entries} (written in ${writeSeconds.toFixed(1)} s through the writer, with anchors)`);
  console.log(`verdict: ${verdict.ok ? "intact" : `BROKEN: ${JSON.stringify(verdict.breaks.slice(0, 3))}`}; anchors checked: ${verdict.anchors.map((a) => a.anchors).join(", ")}`);
  console.log(`verify: ${verifySeconds.toFixed(1)} s (goal < 30 s for 1 M); RSS ${mb(before)} MB before, peak ${mb(peak)} MB (+${mb(peak - before)} MB)`);
  process.exitCode = verdict.ok && (entries < 1_000_000 || verifySeconds < 30) ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
