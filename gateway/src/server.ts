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
  describe,
  createObservabilityPlugin,
  refusalsTotal,
  ErrorCode,
  type Logger,
  type Principal,
  type RunningServer,
} from "@citygraph/core";
import type { IncomingMessage, Server } from "node:http";
import { normalizeGatewayOptions, type GatewayOptions } from "./options.ts";
import { SubgraphDataSource } from "./datasource.ts";
import type { GatewayContext } from "./context.ts";
import { explorerAssetRoutes, explorerPage } from "./explorer/index.ts";
import { subgraphUrlsOf } from "./supergraph.ts";
import { createPermissionPlugin } from "./permissions/index.ts";
import { AgreementRepository, createThirdPartyGate, createUsagePlugin } from "./third-party/index.ts";
import { createPostgresQuotaStore, createRedisQuotaStore } from "./quota/index.ts";
import { createAuditPlugin } from "./audit/index.ts";
import { createDepthLimitRule } from "./limits.ts";
import { createLedger, type Ledger } from "./ledger/writer.ts";
import { createLedgerPool } from "./ledger/pool.ts";
import type { LedgerEntryInput } from "./ledger/entry.ts";
import type { JWK } from "jose";
import { createDecisionMetricsPlugin, observePlan } from "./telemetry/decisions.plugin.ts";

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
  const supergraphFields = readSupergraphFields(options.supergraphSdl);
  const policies = new Map(supergraphFields.flatMap((f) => (f.policy ? [[f.coordinate, f.policy] as const] : [])));
  const owners = new Map(supergraphFields.flatMap((f) => (f.policy ? [[f.coordinate, f.policy.owner] as const] : [])));
  // @apollo/gateway exports usage metrics to Apollo's cloud unless told not to; a government
  // platform sends nothing outside its network. Read in the constructor, so set it just before.
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(options.supergraphSdl),
    buildService: ({ name, url }) => new SubgraphDataSource(name, subgraphUrls[name] ?? url!, options.subgraphTimeoutMs, sign),
    // Apollo hands its logger errors and objects as well as strings.
    logger: {
      debug: () => undefined,
      info: (message) => log.info(describe(message)),
      warn: (message) => log.warn(describe(message)),
      error: (message) => log.error(describe(message)),
    },
    experimental_didResolveQueryPlan: ({ requestContext }) => observePlan(requestContext.context as Partial<GatewayContext>),
  });
  const governance = options.governance ? createGovernanceAccess(options.governance, options.signingKey, log) : undefined;
  const thirdParty = governance?.thirdParty;
  const ledger = governance?.ledger;
  const admitted = new WeakMap<IncomingMessage, Principal>();
  const apollo = new ApolloServer<GatewayContext>({
    gateway,
    formatError: createErrorFormatter({ log: (message, details) => log.error(message, details) }),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would name fields the caller may not see.
    hideSchemaDetailsFromClientErrors: true,
    // The process owner (citygraph start / serve) stops every server in order on a signal; Apollo's
    // own handlers would each stop one server and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    validationRules: [createDepthLimitRule(options.maxDepth)],
    introspection: true,
    plugins: [
      createObservabilityPlugin<GatewayContext>("gateway"),
      createDecisionMetricsPlugin({ ownerOf: (coordinate) => owners.get(coordinate) }),
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
      ...(ledger ? [createAuditPlugin({ ledger, subjectsOf: (context) => context.subjects ?? [], log })] : []),
    ],
  });
  await apollo.start();

  const http = createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    service: "gateway",
    prepare: async (req, body, requestId) => {
      if (!thirdParty) return { kind: "continue", body };
      const verdict = await thirdParty.admit(req, body);
      switch (verdict.kind) {
        case "not-third-party":
          return { kind: "continue", body };
        case "admitted":
          admitted.set(req, verdict.principal);
          return { kind: "continue", body: verdict.body };
        case "refused":
          recordRefusal(ledger, requestId, verdict.code, log, {
            principal: { kind: "agreement", subject: verdict.keyId ?? "unknown-key" },
            agreementId: verdict.agreementId,
            purpose: verdict.purpose,
          });
          return { kind: "refuse", status: verdict.status, code: verdict.code, message: verdict.message, headers: verdict.headers };
        default: {
          const unknown: never = verdict;
          throw new Error(`unknown gate verdict ${JSON.stringify(unknown)}`);
        }
      }
    },
    context: async (req, requestId) => {
      let principal = admitted.get(req);
      if (!principal) {
        try {
          principal = await verifyIdentity(headerValue(req, "authorization"));
        } catch (error) {
          recordRefusal(ledger, requestId, ErrorCode.UNAUTHENTICATED, log, {
            principal: { kind: "anonymous", subject: "unauthenticated" },
          });
          throw error;
        }
      }
      return { requestId, principal, log: log.child({ requestId }) };
    },
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
      await governance?.close();
    },
  };
}

/**
 * The gateway's connection to the governance database, as the `citygraph_gateway` role (which may
 * read agreements, count quotas and only append to the ledger), and what is built on it: the
 * third-party gate and the ledger writer.
 */
function createGovernanceAccess(governance: NonNullable<GatewayOptions["governance"]>, signingKey: JWK, log: Logger) {
  const pool = createLedgerPool(governance.databaseUrl);
  const quota = governance.redisUrl ? createRedisQuotaStore(governance.redisUrl) : createPostgresQuotaStore(pool);
  const ledger = governance.ledger === false ? undefined : createLedger({ pool, signingKey, log: log.child({ component: "ledger" }) });
  return {
    thirdParty: { quota, admit: createThirdPartyGate({ repository: new AgreementRepository(pool), quota }) },
    ledger,
    close: async () => {
      await ledger?.close().catch((error: unknown) => log.error("ledger close failed", { error: String(error) }));
      await quota.close();
      await pool.end();
    },
  };
}

/** Requests refused before execution are recorded too; their entries hold no data, so nobody waits. */
function recordRefusal(
  ledger: Ledger | undefined,
  requestId: string,
  code: string,
  log: Logger,
  who: Pick<LedgerEntryInput, "principal" | "agreementId" | "purpose">,
): void {
  refusalsTotal.inc({ service: "gateway", code });
  ledger
    ?.append({
      time: new Date().toISOString(),
      requestId,
      ...who,
      fields: [],
      subjects: [],
      rowCount: 0,
      outcome: "refused",
      refusal: code,
      latencyMs: 0,
    })
    .catch((error: unknown) => log.error("ledger append failed", { requestId, error: String(error) }));
}

/**
 * @apollo/gateway refuses a supergraph that links `for: SECURITY` features (`@authenticated`,
 * `@requiresScopes`, `@policy`), since it cannot enforce them. citygraph enforces them itself (the
 * permission plugin and every subgraph read them from the full supergraph), so the gateway's
 * planner gets the same supergraph with those links marked as plain metadata.
 */
export function withoutSecurityFeatures(supergraphSdl: string): string {
  return supergraphSdl.replace(
    /(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes|policy)\/v[\d.]+"), for: SECURITY\)/g,
    "$1)",
  );
}
