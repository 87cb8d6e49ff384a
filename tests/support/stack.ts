import { print } from "graphql";
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { createLogger, type SubgraphName } from "@citygraph/core";
import {
  migrateAll,
  seedAll,
  startServices,
  subgraphNames,
  type RunningServices,
  type SecurityConfig,
  type StartServicesOptions,
} from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "./database.ts";
import { gatewayHeaders, testSecurity } from "./security.ts";
import { createGateway, type GatewayApp } from "@citygraph/gateway";
import type { GatewayOptions } from "@citygraph/gateway/options";
import { loadSupergraph } from "@citygraph/supergraph";

/** Everything a test file needs: its own database, every subgraph and the gateway, in-process. */
export interface TestStack {
  database: TestDatabase;
  services: RunningServices;
  gatewayUrl: string;
  /** POSTs a GraphQL request to the gateway. */
  query<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<T>>;
  /** Runs a typed operation from generated/graphql through the gateway. */
  execute<TResult, TVariables extends Record<string, unknown>>(
    document: TypedDocumentNode<TResult, TVariables>,
    variables: TVariables,
    headers?: Record<string, string>,
  ): Promise<GraphQLResponse<TResult>>;
  /** POSTs a GraphQL request straight to one subgraph, with a gateway token for every scope (as the gateway would). */
  querySubgraph<T = Record<string, unknown>>(
    name: SubgraphName,
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>>;
  stop(): Promise<void>;
}

/** A GraphQL response with its HTTP status. */
export interface GraphQLResponse<T> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * Starts the platform on a fresh copy of the run's template database (migrated and seeded at the
 * demo scale by `npm test`). Run alone (no template), it migrates and seeds the copy itself.
 */
export async function startStack(
  options: { security?: SecurityConfig; console?: StartServicesOptions["console"] } = {},
): Promise<TestStack> {
  const template = process.env.CITYGRAPH_TEST_TEMPLATE;
  const database = await createTestDatabase({ template });
  const urls = Object.fromEntries(subgraphNames().map((n) => [n, database.url])) as Record<SubgraphName, string>;
  try {
    if (!template) {
      await migrateAll(urls);
      await seedAll(urls, { scale: 1 });
    }
    const services = await startServices({
      security: options.security ?? (await testSecurity()),
      console: options.console,
      databaseUrls: urls,
      port: 0,
      subgraphPort: () => 0,
      poolSize: 4,
      log: createLogger({ test: true }, "error"),
    });
    return {
      database,
      services,
      gatewayUrl: services.gatewayUrl,
      query: (query, variables, headers) => postGraphQL(services.gatewayUrl, query, variables, headers),
      execute: (document, variables, headers) => postGraphQL(services.gatewayUrl, print(document), variables, headers),
      querySubgraph: async (name, query, variables) =>
        postGraphQL(services.subgraphs[name].server.url, query, variables, await gatewayHeaders(name, { query, variables })),
      stop: async () => {
        await services.stop();
        await database.drop();
      },
    };
  } catch (error) {
    await database.drop();
    throw error;
  }
}

/** POSTs a GraphQL request and returns the decoded body with the HTTP status. */
export async function postGraphQL<T>(
  url: string,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as Omit<GraphQLResponse<T>, "status">;
  return { status: response.status, ...body };
}

/**
 * A second gateway in front of the stack's subgraphs and governance database, with the test keys,
 * for tests that need other gateway options (a subgraph URL, a broken dependency, a logger).
 */
export async function createTestGateway(stack: TestStack, overrides: Partial<GatewayOptions> = {}): Promise<GatewayApp> {
  const security = await testSecurity();
  return createGateway({
    supergraphSdl: loadSupergraph(),
    subgraphUrls: stack.services.gateway.subgraphUrls,
    identity: security.identity,
    roles: security.roles,
    signingKey: security.gatewayKeys.privateJwk,
    governance: { databaseUrl: stack.database.url },
    permissions: security.permissions,
    log: createLogger({ test: true }, "error"),
    explorer: false,
    ...overrides,
  });
}
