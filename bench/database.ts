import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import pg from "pg";
import type { Logger } from "@citygraph/core";
import {
  databaseModeFromEnv,
  migrateAll,
  openDatabases,
  seedAll,
  seedTotals,
  seededScale,
  type PlatformDatabases,
} from "@citygraph/platform";

/** Options of {@link prepareDatabase}. */
export interface PrepareDatabaseOptions {
  /**
   * Seed scale to measure at. Undefined: the scale the database was seeded at, or 1 when it is
   * empty.
   */
  scale?: number;
  /** Receives the platform's own log lines (embedded PostgreSQL, migrations). */
  log: Logger;
  /** Receives one human line per step (stderr in the benchmark). */
  progress: (line: string) => void;
}

/** A migrated, seeded database set, and the scale it holds. */
export interface PreparedDatabase {
  databases: PlatformDatabases;
  scale: number;
}

/**
 * Opens the platform's databases as `citygraph start` does (embedded PostgreSQL under ./.data, or
 * DATABASE_URL), migrates them and makes sure they hold a complete seed at the requested scale.
 * The caller owns `databases.stop()`.
 */
export async function prepareDatabase(options: PrepareDatabaseOptions): Promise<PreparedDatabase> {
  const mode = databaseModeFromEnv();
  options.progress(
    mode.kind === "embedded"
      ? `database: embedded PostgreSQL in ${mode.dataDir} (port ${mode.port})`
      : "database: DATABASE_URL",
  );
  const databases = await openDatabases(mode, options.log);
  try {
    await migrateAll(databases.urls);
    const scale =
      options.scale ?? (await seededScale(databases.urls)) ?? 1;
    // Seeding is resumable and per table, so this also fills the tables of a subgraph added since the
    // database was last seeded (otherwise its fields would answer null and the benchmark would
    // measure less work than it claims); on a complete seed it only checks the bookkeeping.
    const total = Object.values(await seedTotals(scale)).reduce((a, b) => a + b, 0);
    let lastReport = Date.now();
    const seeded = await seedAll(databases.urls, {
      scale,
      onProgress: (p) => {
        if (Date.now() - lastReport < 5_000) return;
        lastReport = Date.now();
        options.progress(`seeding scale ${scale}: ${p.subgraph} ${p.table} ${p.done}/${p.total} rows`);
      },
    });
    options.progress(
      seeded.rowsWritten > 0
        ? `seeded ${seeded.rowsWritten} rows at scale ${scale} in ${(seeded.elapsedMs / 1000).toFixed(1)} s`
        : `data: scale ${scale} (${total} rows), already seeded`,
    );
    return { databases, scale };
  } catch (error) {
    await databases.stop().catch(() => undefined);
    throw error;
  }
}


/**
 * The pid of the PostgreSQL server behind `url`, read from its data directory's postmaster.pid, so
 * that the benchmark can report the database's CPU per request too. Undefined when the server is
 * on another machine or its directory cannot be read (the figure is then left out, not guessed).
 */
export async function postmasterPid(url: string): Promise<number | undefined> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    const { rows } = await client.query<{ data_directory: string }>("SHOW data_directory");
    const directory = rows[0]?.data_directory;
    if (!directory) return undefined;
    const pid = Number((await readFile(join(directory, "postmaster.pid"), "utf8")).split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 && existsSync(`/proc/${pid}`) ? pid : undefined;
  } catch {
    return undefined; // not a superuser, another host, or no /proc: no PostgreSQL figure
  } finally {
    await client.end().catch(() => undefined);
  }
}
