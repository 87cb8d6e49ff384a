import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { applyMigrations, createLogger, runSeed, type SubgraphApp } from "@citygraph/core";
import { educationSeed } from "../../../subgraphs/education/src/seed.ts";
import { educationSubgraph } from "../../../subgraphs/education/src/server.ts";
import { gatewayHeaders, testSecurity } from "../../support/security.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

const PRISMA_DIR = fileURLToPath(new URL("../../../prisma/education/", import.meta.url));

/** A GraphQL response as the subgraph sends it. */
export interface Response<T> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A connection as every list returns it. */
export interface Connection<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** The education subgraph in-process on its own migrated, scale-1 database. */
export interface EducationHarness {
  app: SubgraphApp;
  /** Direct SQL on the test database, for expectations computed independently of the API. */
  pool: pg.Pool;
  /** The subgraph's GraphQL endpoint, for requests the helpers do not make (no token at all). */
  url: string;
  /**
   * Runs a query. `headers` replace the default credentials (a gateway token for a principal with
   * every scope and no row scope), e.g. `gatewayHeaders("education", ALL_SCOPES, ["410105"])`.
   */
  query<T>(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>): Promise<Response<T>>;
  /** Runs a query and returns how many SQL statements it cost. */
  counted<T>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ response: Response<T>; statements: number }>;
  stop(): Promise<void>;
}

/** Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0. */
export async function startEducation(): Promise<EducationHarness> {
  const database: TestDatabase = await createTestDatabase();
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // An idle connection the server terminates must fail the next query, not crash the test process.
  pool.on("error", () => undefined);
  try {
    await applyMigrations({
      url: database.url,
      schema: "education",
      migrationsDir: `${PRISMA_DIR}migrations`,
      datamodel: readFileSync(`${PRISMA_DIR}schema.prisma`, "utf8"),
    });
    await runSeed(pool, educationSeed, { scale: 1 });
    const app = await educationSubgraph.create({
      gatewayPublicKey: (await testSecurity()).gatewayKeys.publicJwk,
      databaseUrl: database.url,
      log: createLogger({ test: true }, "error"),
      poolSize: 4,
    });
    const { url } = await app.listen(0);
    const query = async <T>(
      query: string,
      variables?: Record<string, unknown>,
      headers?: Record<string, string>,
    ): Promise<Response<T>> => {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(headers ?? (await gatewayHeaders("education"))) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Response<T>;
    };
    return {
      app,
      pool,
      url,
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
