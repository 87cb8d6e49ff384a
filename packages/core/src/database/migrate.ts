import { existsSync, readdirSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createRequire } from "node:module";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm/schema_engine_bg";
import { StartupError } from "../errors.ts";
import { createPgPool } from "./pool.ts";

/**
 * Migrations without Prisma's native schema engine (which this project's machines cannot
 * download): the same engine compiled to WebAssembly, driven through the pg driver adapter.
 * Applied migrations are recorded in `<schema>._prisma_migrations`, as `prisma migrate deploy`
 * would, so either tool can take over a database.
 */

type EngineModule = typeof import("@prisma/schema-engine-wasm/schema_engine_bg");

let engineModule: Promise<EngineModule> | undefined;

/** Loads and instantiates the wasm engine once per process (its package is bundler-style). */
function loadEngineModule(): Promise<EngineModule> {
  engineModule ??= (async () => {
    const require = createRequire(import.meta.url);
    const entry = require.resolve("@prisma/schema-engine-wasm");
    const bindings = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as EngineModule & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasm = await readFile(join(entry, "..", "schema_engine_bg.wasm"));
    // The engine arms long timers (connection timeouts) that would keep a finished CLI alive for
    // seconds: hand it timers that do not hold the event loop open.
    const imports: Record<string, unknown> = { ...bindings };
    for (const [name, fn] of Object.entries(bindings)) {
      if (name.startsWith("__wbg_setTimeout_") && typeof fn === "function") {
        imports[name] = (...args: unknown[]) => {
          const timer = (fn as (...a: unknown[]) => { unref?: () => void })(...args);
          timer.unref?.();
          return timer;
        };
      }
    }
    const { instance } = await WebAssembly.instantiate(wasm, { "./schema_engine_bg.js": imports as never });
    bindings.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return bindings;
  })();
  return engineModule;
}

const NO_FILTER = { externalTables: [], externalEnums: [] };

async function withEngine<T>(url: string, schema: string, datamodel: string, work: (engine: SchemaEngine) => Promise<T>) {
  const { SchemaEngine } = await loadEngineModule();
  // Our own pool, so that it can be ended: the engine does not close the adapter's connections.
  // search_path puts `_prisma_migrations` in the subgraph's own schema, where the engine looks for it.
  const pool = createPgPool({ connectionString: url, max: 2, idleTimeoutMillis: 50, allowExitOnIdle: true, options: `-c search_path="${schema}"` });
  const factory = bindMigrationAwareSqlAdapterFactory(wholeScripts(new PrismaPg(pool, { schema })));
  const engine = await SchemaEngine.new({ datamodels: [["schema.prisma", datamodel]] }, () => undefined, factory);
  try {
    return await work(engine);
  } finally {
    engine.free();
    await pool.end().catch(() => undefined);
  }
}

type Connected = Awaited<ReturnType<PrismaPg["connect"]>> & {
  client: { query(sql: string): Promise<unknown> };
  onError(error: unknown): never;
};

/**
 * adapter-pg 7.10 splits a migration script on every ";" before running it, which breaks
 * dollar-quoted function bodies. Send each script whole instead: PostgreSQL runs a multi-statement
 * simple query in one implicit transaction, so a migration also applies all or nothing.
 */
function wholeScripts(factory: PrismaPg): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = (await connect()) as Connected;
    adapter.executeScript = async (script: string) => {
      try {
        await adapter.client.query(script);
      } catch (error) {
        adapter.onError(error);
      }
    };
    return adapter;
  };
  return factory;
}

/** The SQL that creates, from nothing, exactly what a Prisma schema describes. */
export async function sqlForDatamodel(url: string, datamodel: string, from?: string): Promise<string> {
  return withEngine(url, "public", datamodel, async (engine) => {
    const result = await engine.diff({
      from: from ? { tag: "schemaDatamodel", files: [{ path: "old.prisma", content: from }] } : { tag: "empty" },
      to: { tag: "schemaDatamodel", files: [{ path: "schema.prisma", content: datamodel }] },
      script: true,
      exitCode: null,
      filters: NO_FILTER,
    });
    return result.stdout ?? "";
  });
}

/** A migrations folder in Prisma's layout: `<dir>/<timestamp>_<name>/migration.sql`. */
export function listMigrations(migrationsDir: string): { name: string; sql: string }[] {
  if (!existsSync(migrationsDir)) {
    throw new StartupError(`No migrations folder at ${migrationsDir}. Run "citygraph migrate create init".`);
  }
  return readdirSync(migrationsDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(join(migrationsDir, name, "migration.sql"), "utf8") }));
}

/**
 * Applies the migrations of one subgraph that the database has not recorded yet, in order, each
 * in its own transaction. Returns the names applied now.
 */
export async function applyMigrations(options: {
  url: string;
  /** The PostgreSQL schema the subgraph owns; `_prisma_migrations` is kept there. */
  schema: string;
  migrationsDir: string;
  datamodel: string;
}): Promise<string[]> {
  const migrations = listMigrations(options.migrationsDir);
  const lockfilePath = join(options.migrationsDir, "migration_lock.toml");
  const output = await withEngine(options.url, options.schema, options.datamodel, (engine) =>
    engine.applyMigrations({
      migrationsList: {
        baseDir: options.migrationsDir,
        lockfile: {
          path: "migration_lock.toml",
          content: existsSync(lockfilePath) ? readFileSync(lockfilePath, "utf8") : null,
        },
        shadowDbInitScript: "",
        migrationDirectories: migrations.map((m) => ({
          path: m.name,
          migrationFile: { path: "migration.sql", content: { tag: "ok", value: m.sql } },
        })),
      },
      filters: NO_FILTER,
    }),
  );
  return output.appliedMigrationNames;
}
