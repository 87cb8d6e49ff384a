import { readFileSync } from "node:fs";
import { createLogger, sqlForDatamodel, type SubgraphName } from "@citygraph/core";
import { databaseModeFromEnv, migrateAll, openDatabases, prismaSchemaPath, subgraphNames } from "@citygraph/platform";

/** `citygraph migrate`: applies every subgraph's pending migrations (no native Prisma engine needed). */
export async function migrateCommand(): Promise<void> {
  const log = createLogger({ service: "cli" }, "warn");
  const databases = await openDatabases(databaseModeFromEnv(), log);
  try {
    const applied = await migrateAll(databases.urls);
    for (const [name, names] of Object.entries(applied)) {
      console.log(`${name.padEnd(11)} ${names?.length ? `applied ${names.join(", ")}` : "up to date"}`);
    }
  } finally {
    await databases.stop();
  }
}

/**
 * `citygraph migrate sql <subgraph> [--from old.prisma]`: prints the SQL that takes a database from
 * the old Prisma schema (default: nothing) to the current one, for a new migration folder.
 */
export async function migrateSqlCommand(args: { subgraph: string; from?: string }): Promise<void> {
  if (!(subgraphNames() as string[]).includes(args.subgraph)) {
    throw new Error(`Unknown subgraph "${args.subgraph}". Choose one of: ${subgraphNames().join(", ")}.`);
  }
  const log = createLogger({ service: "cli" }, "warn");
  const databases = await openDatabases(databaseModeFromEnv(), log);
  try {
    const name = args.subgraph as SubgraphName;
    const sql = await sqlForDatamodel(
      databases.urls[name],
      readFileSync(prismaSchemaPath(name), "utf8"),
      args.from ? readFileSync(args.from, "utf8") : undefined,
    );
    process.stdout.write(sql);
  } finally {
    await databases.stop();
  }
}
