import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, createLogger, runSeed, type SubgraphApp } from "@citygraph/core";
import { healthSeed } from "../../../subgraphs/health/src/seed.ts";
import { healthSubgraph } from "../../../subgraphs/health/src/server.ts";
import { gatewayHeaders, testSecurity } from "../../support/security.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

const PRISMA_DIR = fileURLToPath(new URL("../../../prisma/health/", import.meta.url));

/** A GraphQL response as the subgraph sends it. */
export interface Response<T> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** The health subgraph in-process on its own migrated, scale-1 database. */
export interface HealthHarness {
  app: SubgraphApp;
  /** Direct SQL on the test database, for expectations computed independently of the API. */
  pool: pg.Pool;
  /** The subgraph's GraphQL endpoint, for requests that must control every header. */
  url: string;
  /**
   * Runs a query; `headers` replace the default ones (a full-scope gateway token for a principal
   * without row scope), e.g. `gatewayHeaders("health", ALL_SCOPES, ["410105"])`.
   */
  query<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<Response<T>>;
  /** Runs a query and returns how many SQL statements it cost. */
  counted<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ response: Response<T>; statements: number }>;
  stop(): Promise<void>;
}

/**
 * Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0.
 * Under `npm test` the database is a copy of the run's seeded template, and both steps are no-ops.
 */
export async function startHealth(): Promise<HealthHarness> {
  const database: TestDatabase = await createTestDatabase({
    template: process.env.CITYGRAPH_TEST_TEMPLATE || undefined,
  });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    await applyMigrations({
      url: database.url,
      schema: "health",
      migrationsDir: `${PRISMA_DIR}migrations`,
      datamodel: readFileSync(`${PRISMA_DIR}schema.prisma`, "utf8"),
    });
    await runSeed(pool, healthSeed, { scale: 1 });
    const app = await healthSubgraph.create({
      gatewayPublicKey: (await testSecurity()).gatewayKeys.publicJwk,
      databaseUrl: database.url,
      log: createLogger({ test: true }, "error"),
      poolSize: 4,
    });
    const { url } = await app.listen(0);
    const query = async <T>(
      text: string,
      variables?: Record<string, unknown>,
      headers?: Record<string, string>,
    ): Promise<Response<T>> => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(headers ?? (await gatewayHeaders("health"))) },
        body: JSON.stringify({ query: text, variables }),
      });
      return (await response.json()) as Response<T>;
    };
    return {
      app,
      pool,
      url,
      query,
      counted: async <T>(
        text: string,
        variables?: Record<string, unknown>,
        headers?: Record<string, string>,
      ) => {
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

/** Representations of persons, as the gateway sends them. */
export function personRepresentations(ids: readonly string[]) {
  return ids.map((id) => ({ __typename: "Person", id }));
}
