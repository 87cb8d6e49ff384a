import { randomBytes } from "node:crypto";
import { dirname, join } from "node:path";
import {
  SUBGRAPH_NAMES,
  StartupError,
  createPgClient,
  createPgPool,
  applyMigrations,
  assertDatabaseReachable,
  assertPostgresUrl,
  createDatabase,
  databaseExists,
  runSeed,
  withDatabase,
  type Logger,
  type SeedProgress,
  type SubgraphName,
} from "@citygraph/core";
import { databaseUrlFromEnv, environmentOf, upperName, type Environment, type EnvironmentSource } from "./config.ts";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { loadSeedPlans } from "./subgraph-loaders.ts";
import { DATA_DIR, migrationsDir, prismaSchemaPath } from "./paths.ts";
import { startEmbeddedPostgres } from "./embedded.ts";

/** Which PostgreSQL the platform uses: the embedded default, or servers named in the environment. */
export type DatabaseMode = { kind: "embedded"; dataDir: string; port: number } | { kind: "external" };

/** Connection strings by subgraph, and how to release what was started for them. */
export interface PlatformDatabases {
  mode: DatabaseMode;
  urls: Record<SubgraphName, string>;
  stop(): Promise<void>;
}

/** The name of the database the embedded server holds every subgraph's schema in. */
export const EMBEDDED_DATABASE = "citygraph";

/** The subgraphs the platform runs, in start-up order. */
export function subgraphNames(): SubgraphName[] {
  return [...SUBGRAPH_NAMES];
}

/** Picks the mode from the environment: any `DATABASE_URL[_<NAME>]` means external. */
export function databaseModeFromEnv(source?: Environment | EnvironmentSource): DatabaseMode {
  const env = environmentOf(source);
  const external = subgraphNames().some((name) => databaseUrlFromEnv(name, env));
  if (external) return { kind: "external" };
  return {
    kind: "embedded",
    dataDir: join(DATA_DIR, "postgres"),
    port: env.int("CITYGRAPH_EMBEDDED_PG_PORT", 54329, { min: 1, max: 65535 }),
  };
}

/** Starts (embedded) or checks (external) the databases every subgraph needs. */
export async function openDatabases(mode: DatabaseMode, log: Logger, source?: Environment | EnvironmentSource): Promise<PlatformDatabases> {
  const env = environmentOf(source);
  switch (mode.kind) {
    case "embedded": {
      const server = await startEmbeddedPostgres({ dataDir: mode.dataDir, port: mode.port, log });
      if (!(await databaseExists(server.adminUrl, EMBEDDED_DATABASE))) {
        await createDatabase(server.adminUrl, EMBEDDED_DATABASE);
      }
      const url = withDatabase(server.adminUrl, EMBEDDED_DATABASE);
      const urls = Object.fromEntries(subgraphNames().map((name) => [name, url])) as Record<SubgraphName, string>;
      return { mode, urls, stop: server.stop };
    }
    case "external": {
      const variableOf = (name: SubgraphName) => (env.get(`DATABASE_URL_${upperName(name)}`) ? `DATABASE_URL_${upperName(name)}` : "DATABASE_URL");
      const urls = {} as Record<SubgraphName, string>;
      for (const name of subgraphNames()) {
        const url = databaseUrlFromEnv(name, env);
        if (!url) {
          throw new StartupError(`No database for subgraph "${name}": set DATABASE_URL, or DATABASE_URL_${name.toUpperCase()}.`);
        }
        assertPostgresUrl(variableOf(name), url);
        urls[name] = url;
      }
      // Each distinct server and database once, all at once: a wrong URL is named before migrating.
      const distinct = new Map(subgraphNames().map((name) => [urls[name], variableOf(name)]));
      await Promise.all([...distinct].map(([url, variable]) => assertDatabaseReachable(url, variable)));
      return { mode, urls, stop: async () => undefined };
    }
    default: {
      const unknown: never = mode;
      throw new Error(`Unknown database mode: ${JSON.stringify(unknown)}`);
    }
  }
}

/** Applies every subgraph's pending migrations; returns the names applied, by subgraph. */
export async function migrateAll(urls: Record<SubgraphName, string>): Promise<Partial<Record<SubgraphName, string[]>>> {
  const applied: Partial<Record<SubgraphName, string[]>> = {};
  for (const name of subgraphNames()) {
    applied[name] = await applyMigrations({
      url: urls[name],
      schema: name,
      migrationsDir: migrationsDir(name),
      datamodel: readFileSync(prismaSchemaPath(name), "utf8"),
    });
  }
  return applied;
}

/**
 * The scale the platform's data was seeded at (the largest recorded in any subgraph's database),
 * or undefined when nothing was seeded yet. `start` seeds every subgraph at this scale, so a
 * subgraph added later gets its data without disturbing the others.
 */
export async function seededScale(urls: Record<SubgraphName, string>): Promise<number | undefined> {
  let scale: number | undefined;
  for (const url of new Set(Object.values(urls))) {
    const client = createPgClient({ connectionString: url });
    await client.connect();
    try {
      // Two statements: PostgreSQL resolves every table a statement names before running it.
      const { rows: exists } = await client.query("SELECT to_regclass('citygraph_seed.progress') IS NOT NULL AS ok");
      if (!exists[0]?.ok) continue;
      const { rows } = await client.query<{ scale: number | null }>("SELECT max(scale) AS scale FROM citygraph_seed.progress");
      const found = rows[0]?.scale;
      if (found !== undefined && found !== null) scale = Math.max(scale ?? 0, found);
    } finally {
      await client.end();
    }
  }
  return scale;
}

/** Options of {@link seedAll}. */
export interface SeedAllOptions {
  scale: number;
  reset?: boolean;
  batchSize?: number;
  onProgress?: (progress: SeedProgress & { subgraph: SubgraphName }) => void;
}

/** Total rows a seed at `scale` writes, by subgraph (for progress and rates). */
export async function seedTotals(scale: number): Promise<Record<string, number>> {
  const plans = await loadSeedPlans();
  return Object.fromEntries(
    Object.entries(plans).map(([name, plan]) => [name, plan.tables(scale).reduce((sum, t) => sum + t.count, 0)]),
  );
}

/**
 * Seeds every subgraph concurrently (each in its own schema, over its own connection), so a large
 * seed uses every core. Returns rows written and elapsed time.
 */
export async function seedAll(urls: Record<SubgraphName, string>, options: SeedAllOptions) {
  const started = Date.now();
  const plans = await loadSeedPlans();
  const reports = await Promise.all(
    subgraphNames().map(async (name) => {
      const pool = createPgPool({ connectionString: urls[name], max: 1 });
      try {
        return await runSeed(pool, plans[name], {
          scale: options.scale,
          reset: options.reset,
          batchSize: options.batchSize,
          onProgress: (p) => options.onProgress?.({ ...p, subgraph: name }),
        });
      } finally {
        await pool.end();
      }
    }),
  );
  return { rowsWritten: reports.reduce((sum, r) => sum + r.rowsWritten, 0), elapsedMs: Date.now() - started };
}

/**
 * A login URL for the gateway as `citygraph_gateway` itself, so no `RESET ROLE` can regain an
 * administrator's rights: the role's password (random, kept in `.data/keys/gateway-db.password`,
 * mode 600) is set through `adminUrl`, which migrations have just used. `citygraph start` hands
 * the result to its gateway as `CITYGRAPH_GATEWAY_DATABASE_URL`; a deployment sets its own.
 */
export async function gatewayLoginUrl(adminUrl: string, dataDir = DATA_DIR): Promise<string> {
  const file = join(dataDir, "keys", "gateway-db.password");
  let password: string;
  try {
    password = readFileSync(file, "utf8").trim();
  } catch {
    password = randomBytes(24).toString("base64url");
    mkdirSync(dataDir, { recursive: true });
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${password}\n`, { mode: 0o600 });
  }
  const client = createPgClient(adminUrl);
  await client.connect();
  try {
    await client.query(`ALTER ROLE citygraph_gateway WITH LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.username = "citygraph_gateway";
  url.password = password;
  return url.toString();
}
