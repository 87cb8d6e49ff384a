import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import pg from "pg";
import { applyMigrations, sqlForDatamodel } from "@citygraph/core";
import { migrationsDir, prismaSchemaPath, subgraphNames } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

/** Everything about a schema's shape that a migration can get wrong. */
async function catalog(url: string, schema: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const q = async (sql: string) => (await client.query(sql, [schema])).rows;
    return {
      columns: await q(`SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default,
                               character_maximum_length, numeric_precision, numeric_scale
                        FROM information_schema.columns WHERE table_schema = $1 AND table_name <> '_prisma_migrations'
                        ORDER BY table_name, column_name`),
      indexes: await q(`SELECT tablename, indexname, indexdef FROM pg_indexes
                        WHERE schemaname = $1 AND tablename <> '_prisma_migrations' ORDER BY indexname`),
      constraints: await q(`SELECT c.conrelid::regclass::text AS rel, c.conname, c.contype, pg_get_constraintdef(c.oid) AS def
                            FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
                            WHERE n.nspname = $1 AND c.conrelid::regclass::text NOT LIKE '%_prisma_migrations'
                            ORDER BY c.conname`),
      enums: await q(`SELECT t.typname, e.enumlabel, e.enumsortorder FROM pg_type t
                      JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace
                      WHERE n.nspname = $1 ORDER BY t.typname, e.enumsortorder`),
    };
  }
  finally {
    await client.end();
  }
}

describe("migrations", () => {
  const databases: TestDatabase[] = [];
  after(async () => Promise.all(databases.map((d) => d.drop())));

  for (const name of subgraphNames()) {
    it(`yield exactly what services/subgraphs/${name}/prisma/schema.prisma describes`, async () => {
      const datamodel = readFileSync(prismaSchemaPath(name), "utf8");
      const [migrated, expected] = await Promise.all([createTestDatabase(), createTestDatabase()]);
      databases.push(migrated, expected);

      const applied = await applyMigrations({ url: migrated.url, schema: name, migrationsDir: migrationsDir(name), datamodel });
      assert.ok(applied.length > 0);
      const again = await applyMigrations({ url: migrated.url, schema: name, migrationsDir: migrationsDir(name), datamodel });
      assert.deepEqual(again, [], "a second run applies nothing");

      const client = new pg.Client({ connectionString: expected.url });
      await client.connect();
      await client.query(await sqlForDatamodel(expected.url, datamodel));
      await client.end();

      const actual = await catalog(migrated.url, name);
      assert.ok(actual.columns.length > 0);
      assert.deepEqual(actual, await catalog(expected.url, name));
    });
  }
});
