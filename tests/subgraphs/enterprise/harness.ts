import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, createLogger, runSeed, type SeedReport, type SubgraphApp } from "@citygraph/core";
import { enterpriseSeed } from "../../../subgraphs/enterprise/src/seed.ts";
import { enterpriseSubgraph } from "../../../subgraphs/enterprise/src/server.ts";
import { gatewayHeaders, testSecurity } from "../../support/security.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

const PRISMA_DIR = fileURLToPath(new URL("../../../prisma/enterprise/", import.meta.url));

/** A GraphQL response as the subgraph sends it. */
export interface Response<T> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** The enterprise subgraph in-process on its own migrated, seeded database. */
export interface EnterpriseHarness {
  app: SubgraphApp;
  /** Direct SQL on the test database, for expectations computed independently of the API. */
  pool: pg.Pool;
  seed: SeedReport;
  /** The subgraph's GraphQL endpoint. */
  url: string;
  /** The test database, for repositories built outside the subgraph. */
  databaseUrl: string;
  /**
   * Runs a query as the gateway would send it: with a full-scope gateway token, or with `headers`
   * in its place (e.g. `gatewayHeaders("enterprise", ALL_SCOPES, ["410105"])`, or `{}` for none).
   */
  query<T = unknown>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response<T>>;
  /** Runs a query and returns how many SQL statements it cost. */
  counted<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ response: Response<T>; statements: number }>;
  stop(): Promise<void>;
}

/** Migrates the enterprise schema into a database. */
export function migrateEnterprise(url: string) {
  return applyMigrations({
    url,
    schema: "enterprise",
    migrationsDir: `${PRISMA_DIR}migrations`,
    datamodel: readFileSync(`${PRISMA_DIR}schema.prisma`, "utf8"),
  });
}

/** Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0. */
export async function startEnterprise(): Promise<EnterpriseHarness> {
  const database: TestDatabase = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await migrateEnterprise(database.url);
    const seed = await runSeed(pool, enterpriseSeed, { scale: 1 });
    const app = await enterpriseSubgraph.create({
      gatewayPublicKey: (await testSecurity()).gatewayKeys.publicJwk, databaseUrl: database.url, log: createLogger({ test: true }, "error"), poolSize: 4 });
    const { url } = await app.listen(0);
    const query = async <T>(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response<T>> => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(headers ?? (await gatewayHeaders("enterprise"))) },
        body: JSON.stringify({ query: text, variables }),
      });
      return (await response.json()) as Response<T>;
    };
    return {
      app,
      pool,
      seed,
      url,
      databaseUrl: database.url,
      query,
      counted: async <T>(text: string, variables?: Record<string, unknown>, headers?: Record<string, string>) => {
        const before = app.stats.statements;
        const response = await query<T>(text, variables, headers);
        return { response, statements: app.stats.statements - before };
      },
      stop: async () => {
        await app.close();
        await pool.end();
        await database.drop();
      },
    };
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
}

/** The first error's code and argument, for asserting BAD_USER_INPUT. */
export function firstError(response: Response<unknown>) {
  const error = response.errors?.[0];
  return { code: error?.extensions?.code, argumentName: error?.extensions?.argumentName };
}
