import { ApolloServer } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import {
  SUBGRAPH_NAMES,
  createErrorFormatter,
  createIdentityVerifier,
  createInternalTokenSigner,
  headerValue,
  readSupergraphFields,
  createGraphQLHttpServer,
  listen,
  sendJson,
  type Principal,
  type RunningServer,
} from "@citygraph/core";
import type { IncomingMessage, Server } from "node:http";
import pg from "pg";
import { normalizeGatewayOptions, type GatewayOptions } from "./options.ts";
import { SubgraphDataSource } from "./datasource.ts";
import type { GatewayContext } from "./context.ts";
import { explorerAssetRoutes, explorerPage } from "./explorer/index.ts";
import { subgraphUrlsOf } from "./supergraph.ts";
import { createPermissionPlugin } from "./permissions/index.ts";
import { AgreementRepository, createThirdPartyGate, createUsagePlugin } from "./third-party/index.ts";
import { createPostgresQuotaStore, createRedisQuotaStore } from "./quota/index.ts";

/** A built, not yet listening, gateway. */
export interface GatewayApp {
  http: Server;
  /** The subgraph URLs the gateway routes to, by subgraph name. */
  subgraphUrls: Record<string, string>;
  listen(port: number, host?: string): Promise<RunningServer>;
  close(): Promise<void>;
}

/**
 * Builds the gateway over a static supergraph (never introspects subgraphs at run time): Apollo
 * Gateway for planning and execution, the shared error masking, `/healthz`, `/readyz` (ready only
 * when every subgraph is) and the offline GraphiQL explorer.
 */
export async function createGateway(input: GatewayOptions): Promise<GatewayApp> {
  const options = normalizeGatewayOptions(input);
  const { log } = options;
  const subgraphUrls = { ...subgraphUrlsOf(options.supergraphSdl), ...options.subgraphUrls };
  const sign = await createInternalTokenSigner(options.signingKey);
  const verifyIdentity = createIdentityVerifier({
    ...options.identity,
    roles: options.roles,
    owners: SUBGRAPH_NAMES,
  });
  const policies = new Map(
    readSupergraphFields(options.supergraphSdl).flatMap((f) => (f.policy ? [[f.coordinate, f.policy] as const] : [])),
  );
  // @apollo/gateway exports usage metrics to Apollo's cloud unless told not to; a government
  // platform sends nothing outside its network. Read in the constructor, so set it just before.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    supergraphSdl: options.supergraphSdl,
    buildService: ({ name, url }) => new SubgraphDataSource(name, subgraphUrls[name] ?? url!, options.subgraphTimeoutMs, sign),
    logger: {
      debug: () => undefined,
      info: (message) => log.info(String(message)),
      warn: (message) => log.warn(String(message)),
      error: (message) => log.error(String(message)),
    },
  });
  const thirdParty = options.governance ? createThirdParty(options.governance) : undefined;
  const admitted = new WeakMap<IncomingMessage, Principal>();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter({ log: (message, details) => log.error(message, details) }),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would name fields the caller may not see.
    hideSchemaDetailsFromClientErrors: true,
    introspection: true,
    plugins: [
      ...(options.permissions.enforce
        ? [
            createPermissionPlugin({
              policies,
              mode: options.permissions.mode,
              allowPerRequestMode: options.permissions.allowPerRequestMode,
            }),
          ]
        : []),
      ...(thirdParty ? [createUsagePlugin({ quota: thirdParty.quota })] : []),
    ],
  });
  await apollo.start();

  const http = createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    prepare: async (req, body) => {
      if (!thirdParty) return { kind: "continue", body };
      const verdict = await thirdParty.admit(req, body);
      switch (verdict.kind) {
        case "not-third-party":
          return { kind: "continue", body };
        case "admitted":
          admitted.set(req, verdict.principal);
          return { kind: "continue", body: verdict.body };
        case "refused":
          return { kind: "refuse", status: verdict.status, code: verdict.code, message: verdict.message, headers: verdict.headers };
        default: {
          const unknown: never = verdict;
          throw new Error(`unknown gate verdict ${JSON.stringify(unknown)}`);
        }
      }
    },
    context: async (req, requestId) => ({
      requestId,
      principal: admitted.get(req) ?? (await verifyIdentity(headerValue(req, "authorization"))),
      log: log.child({ requestId }),
    }),
    landingPage: options.explorer ? explorerPage : undefined,
    routes: {
      ...(options.explorer ? explorerAssetRoutes() : {}),
      "/": (_req, res) => {
        res.writeHead(302, { location: "/graphql" });
        res.end();
      },
      "/healthz": (_req, res) => sendJson(res, 200, { status: "ok" }),
      "/readyz": async (_req, res) => {
        const checks = await Promise.all(
          Object.entries(subgraphUrls).map(async ([name, url]) => {
            const ready = await fetch(new URL("/readyz", url), { signal: AbortSignal.timeout(options.readinessTimeoutMs) })
              .then((r) => r.ok)
              .catch(() => false);
            return [name, ready ? "ready" : "unavailable"] as const;
          }),
        );
        const ok = checks.every(([, state]) => state === "ready");
        sendJson(res, ok ? 200 : 503, { status: ok ? "ready" : "not ready", subgraphs: Object.fromEntries(checks) });
      },
    },
  });

  let running: RunningServer | undefined;
  return {
    http,
    subgraphUrls,
    listen: async (port, host = "127.0.0.1") => {
      running = await listen(http, port, host);
      return running;
    },
    close: async () => {
      if (running) await running.close();
      await apollo.stop();
      await thirdParty?.close();
    },
  };
}

/**
 * The gateway's connection to the governance database, as the `citygraph_gateway` role (which may
 * read agreements, count quotas and only append to the ledger), and the gate built on it.
 */
function createThirdParty(governance: NonNullable<GatewayOptions["governance"]>) {
  const pool = new pg.Pool({ connectionString: governance.databaseUrl, max: 5, options: "-c role=citygraph_gateway" });
  pool.on("error", () => undefined);
  const quota = governance.redisUrl ? createRedisQuotaStore(governance.redisUrl) : createPostgresQuotaStore(pool);
  return {
    quota,
    admit: createThirdPartyGate({ repository: new AgreementRepository(pool), quota }),
    close: async () => {
      await quota.close();
      await pool.end();
    },
  };
}
