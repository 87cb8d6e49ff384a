import { readFileSync } from "node:fs";
import pg from "pg";
import { applyMigrations, type Logger } from "@citygraph/core";
import { migrationsDir, prismaSchemaPath } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { createLedger, createLedgerPool, type Ledger, type LedgerEntryInput, type LedgerOptions } from "@citygraph/ledger";
import { testSecurity } from "../../support/security.ts";

/** A logger that drops everything: the failures tests provoke on purpose need no log lines. */
export const quietLog: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => quietLog,
};

let template: Promise<TestDatabase> | undefined;

/** A database holding only the governance schema, migrated once per test file and copied per test. */
export async function ledgerDatabase(): Promise<TestDatabase> {
  template ??= (async () => {
    const db = await createTestDatabase();
    await applyMigrations({
      url: db.url,
      schema: "governance",
      migrationsDir: migrationsDir("governance"),
      datamodel: readFileSync(prismaSchemaPath("governance"), "utf8"),
    });
    return db;
  })();
  return createTestDatabase({ template: (await template).name });
}

/** Drops the file's template database (call from `after`). */
export async function dropTemplate(): Promise<void> {
  if (template) await (await template).drop();
}

/** A plausible entry; `i` varies the request id, subjects and outcome. */
export function sampleEntry(i: number, overrides: Partial<LedgerEntryInput> = {}): LedgerEntryInput {
  return {
    time: new Date(Date.UTC(2026, 10, 27, 8, 0, 0) + i * 1_000).toISOString(),
    requestId: `req-${i}`,
    principal: { kind: "user", subject: `officer-${i % 3}`, org: "郑州市卫健委" },
    operationName: "PersonHealth",
    documentHash: "ab".repeat(32),
    fields: [
      { coordinate: "Person.name", decision: "full" },
      { coordinate: "Person.idNumber", decision: i % 4 === 0 ? "denied" : "masked" },
    ],
    subjects: [`${(i % 7).toString(16).padStart(2, "0")}${"0".repeat(14)}`],
    rowCount: 1,
    outcome: i % 4 === 0 ? "partial" : "allowed",
    latencyMs: 3.25,
    ...overrides,
  };
}

/** A pool acting as the gateway role that counts the transactions it begins. */
export function countingPool(url: string): { pool: pg.Pool; transactions: () => number } {
  const pool = createLedgerPool(url);
  let begun = 0;
  pool.on("connect", (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      if (typeof args[0] === "string" && /^\s*BEGIN\b/i.test(args[0])) begun++;
      return query(...args);
    };
  });
  return { pool, transactions: () => begun };
}

/** A ledger over `pool` signed with the test gateway key. */
export async function ledgerOver(pool: pg.Pool, options: Partial<LedgerOptions> = {}): Promise<Ledger> {
  const { gatewayKeys } = await testSecurity();
  return createLedger({ pool, signingKey: gatewayKeys.privateJwk, log: quietLog, ...options });
}

/**
 * Runs `sql` as the superuser with triggers off (`session_replication_role = replica`): the only
 * way past the append-only triggers, i.e. what an attacker with full database access would do.
 */
export async function tamper(url: string, ...statements: string[]): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("SET session_replication_role = replica");
    for (const sql of statements) await client.query(sql);
  } finally {
    await client.end();
  }
}
