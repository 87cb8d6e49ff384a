import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import { StartupError } from "../errors.ts";

/** One table of a seed: `count` rows, row `i` a pure function of `i` (so a seed can resume anywhere). */
export interface SeedTable {
  /** Schema-qualified table name, e.g. `transport.crossing`. */
  table: string;
  columns: readonly string[];
  count: number;
  /** Column values of row `i`, in `columns` order: string, number, boolean, Date or null. */
  row(i: number): readonly SeedValue[];
  /**
   * Called once before rows are generated from index `from`; generators with sequential state
   * (ID-number sequences) replay up to `from` here.
   */
  prepare?(from: number): void;
}

/** A value a seed row may hold. Dates are written as ISO-8601 timestamps in UTC. */
export type SeedValue = string | number | boolean | Date | null;

/** What a subgraph seeds, in dependency order (parents before children). */
export interface SeedPlan {
  /** The PostgreSQL schema the tables live in; `--reset` truncates exactly these tables. */
  schema: string;
  tables(scale: number): SeedTable[];
}

/** Reported after every batch, and when a table's deferred indexes are being rebuilt. */
export interface SeedProgress {
  table: string;
  /** "rows" while copying; "indexes" while rebuilding the indexes deferred for a large load. */
  phase: "rows" | "indexes";
  done: number;
  total: number;
  /** Rows written by this run so far (all tables), and the time it took, ms. */
  written: number;
  elapsedMs: number;
}

/** Options of {@link runSeed}. */
export interface RunSeedOptions {
  scale: number;
  /** Rows per COPY transaction; progress is durable at batch boundaries. Default 20 000. */
  batchSize?: number;
  /** Truncate the plan's tables and progress first. Default false. */
  reset?: boolean;
  /**
   * Tables of at least this many rows, loaded from their first row, are copied without their
   * secondary indexes and foreign keys, which are rebuilt once at the end (several times faster
   * than maintaining them row by row). Default 200 000.
   */
  deferIndexesFrom?: number;
  onProgress?: (progress: SeedProgress) => void;
}

/** What a seed run did. */
export interface SeedReport {
  rowsWritten: number;
  elapsedMs: number;
  /** Tables that were already complete at this scale and were skipped. */
  skipped: string[];
}

const PROGRESS_DDL = `
  CREATE SCHEMA IF NOT EXISTS citygraph_seed;
  CREATE TABLE IF NOT EXISTS citygraph_seed.progress (
    table_name text PRIMARY KEY,
    scale integer NOT NULL,
    next_index bigint NOT NULL,
    total bigint NOT NULL
  );
  ALTER TABLE citygraph_seed.progress ADD COLUMN IF NOT EXISTS deferred_ddl text[]`;

/**
 * Streams a plan into PostgreSQL with COPY, batch by batch. Each batch and its progress record
 * commit together, so an interrupted seed resumes at the first unwritten row, and a finished one
 * is a no-op when run again at the same scale.
 */
export async function runSeed(pool: pg.Pool, plan: SeedPlan, options: RunSeedOptions): Promise<SeedReport> {
  const batchSize = options.batchSize ?? 20_000;
  const tables = plan.tables(options.scale);
  const started = Date.now();
  let written = 0;
  const skipped: string[] = [];
  const client = await pool.connect();
  try {
    // Subgraphs seed concurrently and may share a database: serialise the shared DDL.
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock(hashtext('citygraph_seed'))");
    await client.query(PROGRESS_DDL);
    await client.query("COMMIT");
    if (options.reset) {
      await client.query(`TRUNCATE ${tables.map((t) => t.table).join(", ")} CASCADE`);
      // An interrupted large load left indexes dropped: put them back before forgetting it.
      const { rows: pending } = await client.query<{ table_name: string; deferred_ddl: string[] }>(
        "SELECT table_name, deferred_ddl FROM citygraph_seed.progress WHERE table_name = ANY($1) AND deferred_ddl IS NOT NULL",
        [tables.map((t) => t.table)],
      );
      for (const row of pending) await rebuildIndexes(client, row.table_name, row.deferred_ddl);
      await client.query("DELETE FROM citygraph_seed.progress WHERE table_name = ANY($1)", [tables.map((t) => t.table)]);
    }
    for (const table of tables) {
      const { rows } = await client.query<{ scale: number; next_index: string; deferred_ddl: string[] | null }>(
        "SELECT scale, next_index, deferred_ddl FROM citygraph_seed.progress WHERE table_name = $1",
        [table.table],
      );
      const previous = rows[0];
      if (previous && previous.scale !== options.scale) {
        throw new StartupError(
          `${table.table} was seeded at scale ${previous.scale}, not ${options.scale}. ` +
            `Run "citygraph seed --scale ${options.scale} --reset" to replace it, or seed at scale ${previous.scale}.`,
        );
      }
      if (!previous) {
        const { rows: existing } = await client.query(`SELECT 1 FROM ${table.table} LIMIT 1`);
        if (existing.length > 0) {
          throw new StartupError(
            `${table.table} holds rows that no seed wrote. Run "citygraph seed --reset" to replace them.`,
          );
        }
      }
      let next = previous ? Number(previous.next_index) : 0;
      let deferred = previous?.deferred_ddl ?? null;
      if (next >= table.count && !deferred?.length) {
        skipped.push(table.table);
        continue;
      }
      if (!previous && table.count >= (options.deferIndexesFrom ?? 200_000)) {
        deferred = await deferIndexes(client, table.table, options.scale, table.count);
      }
      table.prepare?.(next);
      while (next < table.count) {
        const end = Math.min(table.count, next + batchSize);
        await client.query("BEGIN");
        try {
          await copyRows(client, table, next, end);
          await client.query(
            `INSERT INTO citygraph_seed.progress (table_name, scale, next_index, total) VALUES ($1, $2, $3, $4)
             ON CONFLICT (table_name) DO UPDATE SET next_index = EXCLUDED.next_index, total = EXCLUDED.total`,
            [table.table, options.scale, end, table.count],
          );
          await client.query("COMMIT");
        } catch (error) {
          await client.query("ROLLBACK").catch(() => undefined);
          throw error;
        }
        written += end - next;
        next = end;
        options.onProgress?.({
          table: table.table,
          phase: "rows",
          done: next,
          total: table.count,
          written,
          elapsedMs: Date.now() - started,
        });
      }
      if (deferred?.length) {
        options.onProgress?.({ table: table.table, phase: "indexes", done: next, total: table.count, written, elapsedMs: Date.now() - started });
        await rebuildIndexes(client, table.table, deferred);
      }
      await client.query(`ANALYZE ${table.table}`);
    }
  } finally {
    client.release();
  }
  return { rowsWritten: written, elapsedMs: Date.now() - started, skipped };
}

/**
 * Drops a table's secondary indexes and foreign keys before a large load, recording the DDL that
 * recreates them in the progress row (in the same transaction), so an interrupted seed still
 * rebuilds them when it resumes.
 */
async function deferIndexes(client: pg.PoolClient, table: string, scale: number, total: number): Promise<string[]> {
  const [schema, name] = table.split(".") as [string, string];
  await client.query("BEGIN");
  try {
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT i.indexname, i.indexdef FROM pg_indexes i
       WHERE i.schemaname = $1 AND i.tablename = $2
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname AND c.connamespace = $1::regnamespace)`,
      [schema, name],
    );
    const { rows: foreignKeys } = await client.query<{ conname: string; def: string }>(
      `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f'`,
      [table],
    );
    const ddl = [
      ...indexes.map((i) => i.indexdef),
      ...foreignKeys.map((f) => `ALTER TABLE ${table} ADD CONSTRAINT "${f.conname}" ${f.def}`),
    ];
    for (const f of foreignKeys) await client.query(`ALTER TABLE ${table} DROP CONSTRAINT "${f.conname}"`);
    for (const i of indexes) await client.query(`DROP INDEX "${schema}"."${i.indexname}"`);
    await client.query(
      `INSERT INTO citygraph_seed.progress (table_name, scale, next_index, total, deferred_ddl) VALUES ($1, $2, 0, $3, $4)`,
      [table, scale, total, ddl.length ? ddl : null],
    );
    await client.query("COMMIT");
    return ddl;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

/** Recreates deferred indexes and foreign keys in one transaction, then clears the record. */
async function rebuildIndexes(client: pg.PoolClient, table: string, ddl: string[]): Promise<void> {
  await client.query("BEGIN");
  try {
    // Index builds sort; give them memory for this transaction only.
    await client.query("SET LOCAL maintenance_work_mem = '512MB'");
    for (const statement of ddl) await client.query(statement);
    await client.query("UPDATE citygraph_seed.progress SET deferred_ddl = NULL WHERE table_name = $1", [table]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  }
}

async function copyRows(client: pg.PoolClient, table: SeedTable, from: number, to: number): Promise<void> {
  const columns = table.columns.map((c) => `"${c}"`).join(", ");
  const sink = client.query(copyFrom(`COPY ${table.table} (${columns}) FROM STDIN`));
  const chunkRows = 2_000;
  async function* lines() {
    for (let start = from; start < to; start += chunkRows) {
      let chunk = "";
      for (let i = start; i < Math.min(to, start + chunkRows); i++) chunk += encodeRow(table.row(i));
      yield chunk;
    }
  }
  await pipeline(Readable.from(lines()), sink);
}

/** One row in COPY's text format. */
export function encodeRow(values: readonly SeedValue[]): string {
  let line = "";
  for (let c = 0; c < values.length; c++) {
    if (c > 0) line += "\t";
    const value = values[c];
    if (value === null || value === undefined) line += "\\N";
    else if (value instanceof Date) line += value.toISOString();
    else if (typeof value === "string") line += value.replace(/[\\\t\n\r]/g, escapeChar);
    else line += String(value);
  }
  return line + "\n";
}

function escapeChar(ch: string): string {
  return ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r";
}
