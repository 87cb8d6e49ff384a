import { Kind, parse } from "graphql";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled } from "@apollo/server/plugin/disabled";
import { ApolloGateway } from "@apollo/gateway";
import { InMemoryLRUCache } from "@apollo/utils.keyvaluecache";
import {
  SUBGRAPH_NAMES,
  createErrorFormatter,
  createIdentityVerifier,
  createInternalTokenSigner,
  headerValue,
  readSupergraphFields,
  assertRolesKeepMasks,
  policyIndexOf,
  createGraphQLHttpServer,
  clientRequestIdOf,
  listen,
  sendJson,
  describe,
  createObservabilityPlugin,
  refusalsTotal,
  ErrorCode,
  httpStatusOf,
  unreachable,
  StartupError,
  type Logger,
  type Prepared,
  type Principal,
  type RunningServer,
} from "@citygraph/core";
import type { IncomingMessage, Server } from "node:http";
import type pg from "pg";
import { normalizeGatewayOptions, type GatewayOptions } from "./options.ts";
import { SubgraphDataSource } from "./datasource.ts";
import type { GatewayContext } from "./context.ts";
import { explorerAssetRoutes, explorerPage } from "./explorer/index.ts";
import { consoleRoutes } from "./console/index.ts";
import { subgraphUrlsOf } from "@citygraph/supergraph";
import { createPermissionPlugin, createVisibleSchemas } from "./permissions/index.ts";
import { scopeProbesOf, scopingReferences } from "./row-scope/references.ts";
import { AgreementRepository, createThirdPartyGate, createUsagePlugin, type Admitted } from "./third-party/index.ts";
import { QuotaStoreUnavailableError, createPostgresQuotaStore, createRedisQuotaStore, reportingUnavailability } from "./quota/index.ts";
import { createAuditPlugin } from "./audit/index.ts";
import { createRequestErrorsPlugin } from "./request-errors.ts";
import { createOperationJudge, requestDocumentOf } from "./limits/index.ts";
import {
  createLedger,
  type Ledger,
  GATEWAY_DATABASE_ROLE,
  createLedgerPool,
  ledgerIdentityOf,
  type LedgerEntryInput,
  sha256Hex,
  createLedgerGuard,
  type LedgerGuard,
  createLedgerSpool,
  type LedgerSpool,
  anchorSinksOf,
} from "@citygraph/ledger";
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
  const sign = createInternalTokenSigner({ gatewayKey: options.signingKey, ttlSeconds: options.subgraphTokenTtlSeconds });
  const verifyIdentity = createIdentityVerifier({
    ...options.identity,
    roles: options.roles,
    owners: SUBGRAPH_NAMES,
  });
  const supergraphFields = readSupergraphFields(options.supergraphSdl);
  const policies = new Map(supergraphFields.flatMap((f) => (f.policy ? [[f.coordinate, f.policy] as const] : [])));
  const owners = new Map(supergraphFields.flatMap((f) => (f.policy ? [[f.coordinate, f.policy.owner] as const] : [])));
  assertRolesKeepMasks(options.roles, policyIndexOf(policies.values()), "the role policy");
  // @apollo/gateway exports usage metrics to Apollo's cloud unless told not to; a government
  // platform sends nothing outside its network. Read in the constructor, so set it just before
  // (a write, not a setting citygraph reads).
  // eslint-disable-next-line no-restricted-properties
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const dataSources: SubgraphDataSource[] = [];
  const gateway = new ApolloGateway({
    supergraphSdl: withoutSecurityFeatures(options.supergraphSdl),
    buildService: ({ name, url }) => {
      const source = new SubgraphDataSource(name, subgraphUrls[name] ?? url!, options.subgraphTimeoutMs, sign);
      dataSources.push(source);
      return source;
    },
    // Apollo hands its logger errors and objects as well as strings.
    logger: {
      debug: () => undefined,
      info: (message) => log.info(describe(message)),
      warn: (message) => log.warn(describe(message)),
      error: (message) => log.error(describe(message)),
    },
    experimental_didResolveQueryPlan: ({ requestContext }) => observePlan(requestContext.context as Partial<GatewayContext>),
  });
  const governance = options.governance
    ? await createGovernanceAccess(options.governance, options.ledger.kind === "recorded", options.signingKey, log)
    : undefined;
  const thirdParty = governance?.thirdParty;
  const ledger = governance?.ledger;
  const admitted = new WeakMap<IncomingMessage, Admitted>();
  /** Who asked, settled in `prepare` (the budget depends on it) and used by the context. */
  const identified = new WeakMap<IncomingMessage, { principal: Principal } | { error: unknown }>();
  const operations = createOperationJudge(options.limits);
  const visible = createVisibleSchemas(policies);
  // Apollo's own APQ cache, held here so `prepare` can judge a request that sends only a hash by
  // the document registered under it (Apollo keys it "apq:<hash>").
  const persistedQueries = new InMemoryLRUCache<string>();
  const apollo = new ApolloServer<GatewayContext>({
    gateway: scopingReferences(gateway, scopeProbesOf(supergraphFields)),
    persistedQueries: { cache: persistedQueries },
    formatError: createErrorFormatter({ log: (message, details) => log.error(message, details) }),
    includeStacktraceInErrorResponses: false,
    // "Did you mean …" would name fields the caller may not see.
    hideSchemaDetailsFromClientErrors: true,
    // The process owner (citygraph start / serve) stops every server in order on a signal; Apollo's
    // own handlers would each stop one server and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    introspection: true,
    // Apollo's CSRF check refuses GETs without a preflight header, which guards ambient credentials
    // (cookies). The gateway reads credentials only from Authorization and X-API-Key, which a
    // browser never sends cross-site without a preflight, so a forged request is an anonymous one
    // (open data; its response unreadable cross-origin). Off, so plain GETs work (GraphQL over HTTP).
    csrfPrevention: false,
    plugins: [
      // No HTTP cache may keep answers about persons, and the subgraphs send no cache hints.
      ApolloServerPluginCacheControlDisabled(),
      createRequestErrorsPlugin(),
      operations.plugin,
      createObservabilityPlugin<GatewayContext>("gateway"),
      createDecisionMetricsPlugin({ ownerOf: (coordinate) => owners.get(coordinate) }),
      ...(options.permissions.enforce
        ? [
            createPermissionPlugin({
              policies,
              visible,
              mode: options.permissions.mode,
              allowPerRequestMode: options.permissions.allowPerRequestMode,
            }),
          ]
        : []),
      ...(thirdParty ? [createUsagePlugin({ quota: thirdParty.quota, log })] : []),
      ...(ledger
        ? [
            createAuditPlugin({
              ledger,
              keep: governance!.keep,
              subjectsOf: (context) => context.subjects ?? [],
              ownerOf: (c) => owners.get(c),
              compromised: governance?.guard?.compromised,
              log,
            }),
          ]
        : []),
    ],
  });
  await apollo.start();

  /** A third party's key, purpose and quota are checked before anything else; others pass through. */
  const admitThirdParty = async (
    req: IncomingMessage,
    body: unknown,
    requestId: string,
  ): Promise<Extract<Prepared, { kind: "continue" | "refuse" }>> => {
    if (!thirdParty) return { kind: "continue", body };
    let verdict: Awaited<ReturnType<typeof thirdParty.admit>>;
    try {
      verdict = await thirdParty.admit(req, body);
    } catch (error) {
      if (!(error instanceof QuotaStoreUnavailableError)) throw error;
      return {
        kind: "refuse",
        status: httpStatusOf(ErrorCode.QUOTA_STORE_UNAVAILABLE),
        code: ErrorCode.QUOTA_STORE_UNAVAILABLE,
        message: "Usage of agreements cannot be counted right now, so third-party requests are not served. Try again shortly.",
        headers: { "retry-after": String(error.retryAfterSeconds) },
      };
    }
    switch (verdict.kind) {
      case "not-third-party":
        return { kind: "continue", body };
      case "admitted":
        admitted.set(req, verdict);
        return { kind: "continue", body: verdict.body };
      case "refused":
        recordRefusal(governance?.keep, req, requestId, verdict.code, {
          principal: { kind: "agreement", subject: verdict.keyId ?? "unknown-key" },
          agreementId: verdict.agreementId,
          purpose: verdict.purpose,
        });
        return { kind: "refuse", status: verdict.status, code: verdict.code, message: verdict.message, headers: verdict.headers };
      default:
        return unreachable(verdict, "third-party gate verdict");
    }
  };
  /** Verifies the caller's token once; the outcome (a principal or the refusal) is kept for the context. */
  const identify = async (req: IncomingMessage): Promise<Principal | undefined> => {
    try {
      const principal = await verifyIdentity(headerValue(req, "authorization"));
      identified.set(req, { principal });
      return principal;
    } catch (error) {
      identified.set(req, { error });
      return undefined;
    }
  };
  const identifyOrRefuse = async (req: IncomingMessage, requestId: string): Promise<Principal> => {
    try {
      return await verifyIdentity(headerValue(req, "authorization"));
    } catch (error) {
      recordRefusal(governance?.keep, req, requestId, ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_CALLER);
      throw error;
    }
  };

  const http = createGraphQLHttpServer<GatewayContext>({
    apollo,
    log,
    service: "gateway",
    // Who sends no credentials gets the smallest body: a flood of 1 MiB documents costs a signed
    // token (and lands in the ledger under it).
    maxBodyBytes: (req) =>
      (headerValue(req, "authorization") ?? "").trim() !== "" || (headerValue(req, "x-api-key") ?? "").trim() !== ""
        ? 1024 * 1024
        : options.limits.anonymousBodyBytes,
    prepare: async (req, body, requestId) => {
      const gated = await admitThirdParty(req, body, requestId);
      if (gated.kind === "refuse") return gated;
      const principal = admitted.get(req)?.principal ?? (await identify(req));
      // Unauthenticated: the context refuses it (and records that) before anything parses.
      if (!principal) return gated;
      const document = await requestDocumentOf(req, gated.body, (hash) => persistedQueries.get(`apq:${hash}`));
      if (!document) return gated;
      // Measured against what the caller can see: a hidden list must cost what an unknown name
      // costs (nothing), or the refusal would tell the two apart.
      const refusal = operations.judge(
        principal.kind,
        document,
        options.permissions.enforce && principal.kind === "anonymous" ? visible.of(principal) : undefined,
      );
      if (refusal) {
        recordRefusal(governance?.keep, req, requestId, refusal.code, ledgerIdentityOf(principal), { documentHash: sha256Hex(document.source) });
        return { kind: "refuse", status: httpStatusOf(refusal.code), code: refusal.code, message: refusal.message, extensions: refusal.extensions };
      }
      // Anonymous callers learn nothing of a name their grants hide: their documents are validated
      // against what they may see, so `Person.idNumber` fails exactly as `Person.noSuchField`
      // does. A signed-in user is told which grant a field needs (FORBIDDEN, `denied[].needs`, from
      // the permission plugin): staff may know what exists. Third parties run only the operations
      // registered on their agreement, so they cannot probe names at all.
      if (options.permissions.enforce && principal.kind === "anonymous") {
        const { errors, hidden } = visible.validate(principal, document.source);
        if (errors.length > 0 && document.persisted) {
          // Sent by hash alone, registered by someone who may read it: to this caller the hash is
          // unknown, or its answer would say that somebody ran that document (and name the field).
          return { kind: "continue", ...withUnknownPersistedHash(req, gated.body) };
        }
        if (errors.length > 0 && isSubscription(document.source)) {
          // A subscription fails validation here (the visible schema has no Subscription type); it
          // is answered as for everyone else, as what the gateway does not serve.
          return { kind: "refuse", status: httpStatusOf(ErrorCode.OPERATION_NOT_SUPPORTED), code: ErrorCode.OPERATION_NOT_SUPPORTED, message: "Subscriptions are not served: send a query or a mutation." };
        }
        if (errors.length > 0) {
          // The ledger tells the truth the answer withholds: which existing fields were asked for.
          recordInvalid(governance?.keep, req, requestId, ledgerIdentityOf(principal), sha256Hex(document.source), hidden);
          return { kind: "invalid", errors };
        }
      }
      return gated;
    },
    context: async (req, requestId) => {
      const thirdPartyVerdict = admitted.get(req);
      const known = identified.get(req);
      let principal: Principal | undefined = thirdPartyVerdict?.principal;
      if (!principal) {
        if (known && "error" in known) {
          recordRefusal(governance?.keep, req, requestId, ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_CALLER);
          throw known.error;
        }
        principal = known?.principal ?? (await identifyOrRefuse(req, requestId));
      }
      return {
        requestId,
        clientRequestId: clientRequestIdOf(req),
        principal,
        log: log.child({ requestId }),
        recordsPerDay: thirdPartyVerdict?.recordsPerDay,
      };
    },
    // Refused before any context: who asked is recorded as far as their credentials verify.
    onRefused: (req, refusal, requestId) => {
      const known = admitted.get(req)?.principal;
      void (known ? Promise.resolve(known) : verifyIdentity(headerValue(req, "authorization")))
        .then((principal) => ledgerIdentityOf(principal), () => UNAUTHENTICATED_CALLER)
        .then((who) =>
          recordRefusal(governance?.keep, req, requestId, refusal.code, who, {
            reason: refusal.reason,
            documentHash: refusal.query !== undefined ? sha256Hex(refusal.query) : undefined,
          }),
        );
    },
    landingPage: options.explorer ? explorerPage : undefined,
    routes: {
      ...(options.explorer ? explorerAssetRoutes() : {}),
      ...(options.console ? consoleRoutes(options.console, log) : {}),
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
        // A compromised ledger keeps the gateway in service (public data still flows, personal
        // data is withheld) but says so, for monitoring to page an operator.
        const guarded = governance?.guard ? await governance.guard.status(governance.pool) : undefined;
        // Public: the anchor sinks by their order, not their paths or database hosts.
        const ledgerStatus = guarded && {
          ...guarded,
          anchors: { ...guarded.anchors, sinks: guarded.anchors.sinks.map(({ name: _name, ...sink }) => sink) },
        };
        const status = !ok ? "not ready" : ledgerStatus?.status === "compromised" ? "degraded" : "ready";
        sendJson(res, ok ? 200 : 503, {
          status,
          subgraphs: Object.fromEntries(checks),
          ledger: options.ledger.kind === "recorded" ? (ledgerStatus ?? "recorded") : "OFF: requests are not recorded (development only)",
        });
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
      await Promise.all(dataSources.map((source) => source.close()));
      await governance?.close();
    },
  };
}

/**
 * The gateway's connection to the governance database, as the `citygraph_gateway` role (which may
 * read agreements, count quotas and only append to the ledger), and what is built on it: the
 * third-party gate and the ledger writer.
 */
async function createGovernanceAccess(
  governance: NonNullable<GatewayOptions["governance"]>,
  recorded: boolean,
  signingKey: JWK,
  log: Logger,
) {
  const pool = governance.gatewayDatabaseUrl
    ? createLedgerPool(governance.gatewayDatabaseUrl, { role: null })
    : createLedgerPool(governance.databaseUrl);
  if (governance.gatewayDatabaseUrl) await assertGatewayLogin(pool, log);
  const quota = reportingUnavailability(
    governance.redisUrl ? createRedisQuotaStore(governance.redisUrl) : createPostgresQuotaStore(pool),
    log.child({ component: "quota" }),
  );
  const ledgerLog = log.child({ component: "ledger" });
  let guard: LedgerGuard | undefined;
  let ledger: Ledger | undefined;
  let spool: LedgerSpool | undefined;
  if (recorded) {
    guard = await createLedgerGuard({ sinks: anchorSinksOf(governance.anchors), signingKey, log: ledgerLog });
    ledger = createLedger({ pool, signingKey, hooks: guard.hooks, log: ledgerLog });
    if (governance.spool) spool = createLedgerSpool({ ledger, ...governance.spool, log: ledgerLog });
  }
  /** Records an entry whose response needs no waiting: in the ledger, else in the spool, else logged as lost. */
  const keep = (entry: LedgerEntryInput): void => {
    if (spool) return spool.keep(entry);
    ledger?.append(entry).catch((error: unknown) => log.error("ledger append failed", { requestId: entry.requestId, error: String(error) }));
  };
  return {
    pool,
    thirdParty: { quota, admit: createThirdPartyGate({ repository: new AgreementRepository(pool), quota }) },
    ledger,
    spool,
    keep,
    guard,
    close: async () => {
      await spool?.close().catch((error: unknown) => log.error("ledger spool close failed", { error: String(error) }));
      await ledger?.close().catch((error: unknown) => log.error("ledger close failed", { error: String(error) }));
      await guard?.close();
      await quota.close();
      await pool.end();
    },
  };
}

/**
 * Fails start-up when the gateway's own login is not `citygraph_gateway` or can do more than it:
 * a superuser login there would undo the append-only guarantee. An unreachable database is only
 * logged (requests then fail closed as usual).
 */
async function assertGatewayLogin(pool: pg.Pool, log: Logger): Promise<void> {
  let row: { who: string; superuser: boolean } | undefined;
  try {
    ({ rows: [row] } = await pool.query<{ who: string; superuser: boolean }>(
      "SELECT session_user AS who, rolsuper AS superuser FROM pg_roles WHERE rolname = session_user",
    ));
  } catch (error) {
    log.warn("governance database unreachable at start-up: the gateway login is checked when it returns", { error: String(error) });
    return;
  }
  if (row?.who !== GATEWAY_DATABASE_ROLE || row.superuser) {
    await pool.end().catch(() => undefined);
    throw new StartupError(
      `CITYGRAPH_GATEWAY_DATABASE_URL must log in as ${GATEWAY_DATABASE_ROLE} (no superuser); it logs in as ${row?.who ?? "an unknown role"}${row?.superuser ? ", a superuser" : ""}. ` +
        `Set its password with ALTER ROLE ${GATEWAY_DATABASE_ROLE} PASSWORD '…' and put that user in the URL.`,
    );
  }
}

/** The ledger's caller for requests whose credentials did not verify (or were never checked). */
const UNAUTHENTICATED_CALLER = { principal: { kind: "anonymous", subject: "unauthenticated" } } as const;

/** A hash no document can have (Apollo checks a registered document's hash), so Apollo answers PersistedQueryNotFound. */
const UNKNOWN_HASH = "0".repeat(64);

/** The request with its persisted-query hash replaced by {@link UNKNOWN_HASH}: body for POST, query string for GET. */
function withUnknownPersistedHash(req: IncomingMessage, body: unknown): { body: unknown; search?: string } {
  const swap = (extensions: unknown) => {
    const ext = extensions as { persistedQuery?: Record<string, unknown> };
    return { ...ext, persistedQuery: { ...ext.persistedQuery, sha256Hash: UNKNOWN_HASH } };
  };
  if (req.method === "GET") {
    const url = new URL(req.url ?? "/", "http://gateway");
    url.searchParams.set("extensions", JSON.stringify(swap(JSON.parse(url.searchParams.get("extensions") ?? "{}"))));
    return { body, search: url.search };
  }
  const record = body as Record<string, unknown>;
  return { body: { ...record, extensions: swap(record.extensions) } };
}

/**
 * An anonymous document that names fields hidden from its caller (outcome `denied`, with those
 * coordinates, as the permission check would record them) or only names that do not exist
 * (`error`, as Apollo's validation would be recorded).
 */
function recordInvalid(
  keep: ((entry: LedgerEntryInput) => void) | undefined,
  req: IncomingMessage,
  requestId: string,
  who: Pick<LedgerEntryInput, "principal">,
  documentHash: string,
  hidden: readonly string[],
): void {
  const denied = hidden.length > 0;
  keep?.({
    ...entryWithoutData(req, requestId, who),
    documentHash,
    fields: hidden.map((coordinate) => ({ coordinate, decision: "denied" as const })),
    outcome: denied ? "denied" : "error",
    refusal: denied ? ErrorCode.FORBIDDEN : ErrorCode.GRAPHQL_VALIDATION_FAILED,
  });
}

/** The parts every entry of a request answered with no data shares. */
function entryWithoutData(
  req: IncomingMessage,
  requestId: string,
  who: Pick<LedgerEntryInput, "principal" | "agreementId" | "purpose">,
): Omit<LedgerEntryInput, "outcome"> {
  return {
    time: new Date().toISOString(),
    requestId,
    clientRequestId: clientRequestIdOf(req),
    ...who,
    fields: [],
    subjects: [],
    rowCount: 0,
    latencyMs: 0,
  };
}

/** Requests refused before execution are recorded too; their entries hold no data, so nobody waits. */
function recordRefusal(
  keep: ((entry: LedgerEntryInput) => void) | undefined,
  req: IncomingMessage,
  requestId: string,
  code: string,
  who: Pick<LedgerEntryInput, "principal" | "agreementId" | "purpose">,
  detail: Pick<LedgerEntryInput, "reason" | "documentHash"> = {},
): void {
  refusalsTotal.inc({ service: "gateway", code });
  keep?.({ ...entryWithoutData(req, requestId, who), ...detail, outcome: "refused", refusal: code });
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

/** Whether a document (already within the operation limits) holds a subscription operation. */
function isSubscription(source: string): boolean {
  try {
    return parse(source).definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && d.operation === "subscription");
  } catch {
    return false;
  }
}
