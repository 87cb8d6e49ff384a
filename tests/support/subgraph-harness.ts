import { readFileSync } from "node:fs";
import pg from "pg";
import {
  applyMigrations,
  createLogger,
  runSeed,
  type SeedReport,
  type SubgraphApp,
  type SubgraphDefinition,
  type SubgraphName,
} from "@citygraph/core";
import { migrationsDir, prismaSchemaPath } from "@citygraph/platform";
import { createTestDatabase } from "./database.ts";
import { GatewayCaller, gatewayCaller, testSubgraphTokenKey } from "./security.ts";

/**
 * Who a test request comes from: a {@link GatewayCaller} (a fresh token bound to each request), or
 * exactly these headers (`{}` for no token at all, or a forged or captured token).
 */
export type Caller = GatewayCaller | Record<string, string>;

/** A GraphQL response as a subgraph sends it. */
export interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/** A connection as every list returns it. */
export interface Connection<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** Options of {@link startSubgraphHarness}. */
export interface SubgraphHarnessOptions {
  /**
   * A database to copy instead of starting empty, e.g. the seeded template `npm test` names in
   * CITYGRAPH_TEST_TEMPLATE; migrating and seeding the copy are then no-ops.
   */
  template?: string;
}

/** A subgraph in-process on its own migrated, scale-1 database. */
export interface SubgraphHarness {
  app: SubgraphApp;
  /** Direct SQL on the test database, for expectations computed independently of the API. */
  pool: pg.Pool;
  /** What seeding wrote (or skipped, on a copy of a seeded template). */
  seed: SeedReport;
  /** The subgraph's GraphQL endpoint, for requests that must control every header. */
  url: string;
  /** The test database, for repositories built outside the subgraph. */
  databaseUrl: string;
  /**
   * POSTs a query as the gateway would: with a gateway token for this request and a principal with
   * every scope and no row scope, or as `caller` (e.g. `gatewayCaller(name, ALL_SCOPES, ["410105"])`,
   * or `{}` for no token at all).
   */
  query<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<GraphQLResponse<T>>;
  /** Runs {@link SubgraphHarness.query} and returns how many SQL statements it cost. */
  counted<T = unknown>(
    query: string,
    variables?: Record<string, unknown>,
    caller?: Caller,
  ): Promise<{ response: GraphQLResponse<T>; statements: number }>;
  /** Closes the subgraph and the pool, then drops the database. */
  stop(): Promise<void>;
}

/** Applies a subgraph's migrations (from `prisma/<name>/`) to the database at `url`. */
export function migrateSubgraph(name: SubgraphName, url: string): Promise<string[]> {
  return applyMigrations({
    url,
    schema: name,
    migrationsDir: migrationsDir(name),
    datamodel: readFileSync(prismaSchemaPath(name), "utf8"),
  });
}

/**
 * Creates a throwaway database, migrates and seeds it at scale 1, and starts `definition` (a
 * subgraph's `<name>Subgraph`) on port 0, trusting the test gateway key.
 */
export async function startSubgraphHarness(
  definition: SubgraphDefinition,
  options: SubgraphHarnessOptions = {},
): Promise<SubgraphHarness> {
  const { name } = definition;
  const database = await createTestDatabase({ template: options.template });
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  // An idle connection the server terminates must fail the next query, not crash the test process.
  pool.on("error", () => undefined);
  let app: SubgraphApp | undefined;
  try {
    await migrateSubgraph(name, database.url);
    const seed = await runSeed(pool, definition.seed, { scale: 1 });
    const started = await definition.create({
      gatewayTokenKey: await testSubgraphTokenKey(name),
      databaseUrl: database.url,
      log: createLogger({ test: true }, "error"),
      poolSize: 4,
    });
    app = started;
    const { url } = await started.listen(0);
    const query = async <T>(
      text: string,
      variables?: Record<string, unknown>,
      caller: Caller = gatewayCaller(name),
    ): Promise<GraphQLResponse<T>> => {
      const headers = caller instanceof GatewayCaller ? await caller.headersFor({ query: text, variables }) : caller;
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ query: text, variables }),
      });
      return (await response.json()) as GraphQLResponse<T>;
    };
    return {
      app: started,
      pool,
      seed,
      url,
      databaseUrl: database.url,
      query,
      counted: async <T>(
        text: string,
        variables?: Record<string, unknown>,
        caller?: Caller,
      ) => {
        const before = started.stats.statements;
        const response = await query<T>(text, variables, caller);
        return { response, statements: started.stats.statements - before };
      },
      stop: async () => {
        await started.close();
        await pool.end();
        await database.drop();
      },
    };
  } catch (error) {
    // A subgraph created but unable to listen still holds its own database pool: left open, it
    // would keep the test process alive after the failure is reported.
    await app?.close();
    await pool.end();
    await database.drop();
    throw error;
  }
}

/** The first error's code and argument, for asserting BAD_USER_INPUT. */
export function firstError(response: GraphQLResponse<unknown>): { code: unknown; argumentName: unknown } {
  const error = response.errors?.[0];
  return { code: error?.extensions?.code, argumentName: error?.extensions?.argumentName };
}
