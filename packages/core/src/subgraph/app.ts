import type { Server } from "node:http";
import type { GraphQLSchema } from "graphql";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { createErrorFormatter } from "../errors.ts";
import type { Logger } from "../log.ts";
import type { RequestContext } from "../context.ts";
import type { SqlStats } from "../database/prisma.ts";
import { createGraphQLHttpServer, headerValue, listen, sendJson, type RunningServer } from "../http/server.ts";
import { createInternalTokenVerifier } from "../auth/internal-token.ts";
import type { ReplayCache } from "../auth/replay-cache.ts";
import { unauthenticated } from "../auth/errors.ts";
import { ErrorCode } from "../errors.ts";
import type { Principal } from "../context.ts";
import type { IncomingMessage } from "node:http";
import { createServiceFieldRefusalPlugin } from "./service-field.ts";
import { createSubgraphPermissions } from "./permissions.ts";
import { createSubjectsPlugin } from "./subjects.ts";
import { createObservabilityPlugin } from "../telemetry/plugin.ts";

// Re-exported for the gateway (through the package index, which exports this module).

/** Options of {@link createSubgraphApp}. */
export interface SubgraphAppOptions<TContext extends RequestContext> {
  name: string;
  schema: GraphQLSchema;
  log: Logger;
  stats: SqlStats;
  /** Verifies the gateway's tokens; see {@link SubgraphOptions.gatewayTokenKey}. */
  gatewayTokenKey: Uint8Array;
  /** Token ids already used, shared by this subgraph's instances; closed with the app. */
  replay: ReplayCache;
  /** Apply the generated shield rules and masking (default true). */
  enforcePermissions?: boolean;
  /** Adds the subgraph's per-request state (its DataLoaders) to the shared request context. */
  createContext: (base: RequestContext) => TContext;
  /** Whether the subgraph can serve: its database answers. */
  ready: () => Promise<boolean>;
  /** Releases what the subgraph holds (its database pool). */
  dispose: () => Promise<void>;
}

/** A built, not yet listening, subgraph. */
export interface SubgraphApp {
  name: string;
  schema: GraphQLSchema;
  http: Server;
  stats: SqlStats;
  /** Starts listening; port 0 picks a free port. */
  listen(port: number, host?: string): Promise<RunningServer>;
  /** Stops listening (if started) and disposes of the database pool. */
  close(): Promise<void>;
}

/**
 * Wraps a subgraph schema in Apollo Server and an HTTP server with `/healthz` and `/readyz`
 * (metrics are on the process's operations port, see `startOpsServer`). Errors are masked by the shared formatter; stack traces never leave the process.
 */
export async function createSubgraphApp<TContext extends RequestContext>(
  options: SubgraphAppOptions<TContext>,
): Promise<SubgraphApp> {
  const { log } = options;
  const authenticate = createInternalTokenVerifier({ key: options.gatewayTokenKey, audience: options.name, replay: options.replay });
  const authenticated = new WeakMap<IncomingMessage, { principal: Principal; requestId: string }>();
  let schema = options.schema;
  if (options.enforcePermissions ?? true) {
    const permissions = createSubgraphPermissions(schema, options.name);
    schema = permissions.apply(schema);
  }
  const apollo = new ApolloServer<TContext>({
    schema,
    hideSchemaDetailsFromClientErrors: true,
    // The process owner (citygraph start / serve) stops every server in order on a signal; Apollo's
    // own handlers would each stop one server and re-raise the signal mid-shutdown.
    stopOnTerminationSignals: false,
    formatError: createErrorFormatter({ log: (message, details) => log.error(message, details) }),
    includeStacktraceInErrorResponses: false,
    introspection: true,
    // Traces are for Apollo's hosted service, which a government network does not reach.
    // The subjects plugin reports to the gateway whose personal data the response holds.
    // Cache control is for HTTP caches, which must not keep answers about persons; its plugin is
    // also Apollo's only one with a per-field hook, so off it no resolver is wrapped by Apollo
    // (about a tenth of a subgraph's CPU on lists of persons).
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      createServiceFieldRefusalPlugin<TContext>(),
      createSubjectsPlugin<TContext>(),
      createObservabilityPlugin<TContext>(options.name),
    ],
  });
  await apollo.start();
  let replayDown = false;
  const http = createGraphQLHttpServer<TContext>({
    apollo,
    log,
    service: options.name,
    // No token, a forged, expired or used one, one for another subgraph or another operation than
    // this body's: 401 before Apollo parses anything. The replay cache failing refuses too (503).
    prepare: async (req, body, requestId) => {
      let verdict;
      try {
        verdict = await authenticate(headerValue(req, "authorization"), req.method, body);
      } catch (error) {
        // Once per outage, not per request (every request fails alike until it answers).
        if (!replayDown) log.error("gateway token replay cache unavailable: refusing every request", { requestId, error: error instanceof Error ? error.message : String(error) });
        replayDown = true;
        return { kind: "refuse", status: 503, code: ErrorCode.SUBGRAPH_UNAVAILABLE, message: "The subgraph cannot check its tokens; try again." };
      }
      if (verdict.kind === "refused") {
        log.warn("gateway token refused", { requestId, reason: verdict.reason, gatewayRequestId: verdict.requestId, tokenId: verdict.tokenId });
        return {
          kind: "refuse",
          status: 401,
          code: ErrorCode.UNAUTHENTICATED,
          message: verdict.message,
          headers: { "www-authenticate": "Bearer" },
        };
      }
      if (replayDown) log.info("gateway token replay cache answers again", { requestId });
      replayDown = false;
      authenticated.set(req, { principal: verdict.principal, requestId: verdict.requestId });
      return { kind: "continue", body };
    },
    context: async (req, requestId) => {
      const admitted = authenticated.get(req);
      // Only requests that passed `prepare` reach Apollo; this guards against a future path that does not.
      if (!admitted) throw unauthenticated("Subgraphs answer only the gateway: a gateway token is required.");
      // The gateway's id (signed in its token), so a request's log lines share one id everywhere.
      const id = admitted.requestId || requestId;
      return options.createContext({ requestId: id, principal: admitted.principal, log: log.child({ requestId: id }) });
    },
    routes: {
      "/healthz": (_req, res) => sendJson(res, 200, { status: "ok" }),
      "/readyz": async (_req, res) => {
        const [database, replay] = await Promise.all([options.ready().catch(() => false), options.replay.ready()]);
        // Without its replay cache a subgraph refuses every request (it cannot tell a replayed token).
        const status = !database ? "database unavailable" : !replay ? "token replay cache unavailable" : "ready";
        sendJson(res, database && replay ? 200 : 503, { status });
      },
    },
  });
  let running: RunningServer | undefined;
  return {
    name: options.name,
    schema: options.schema,
    http,
    stats: options.stats,
    listen: async (port, host = "127.0.0.1") => {
      running = await listen(http, port, host);
      return running;
    },
    close: async () => {
      if (running) await running.close();
      await apollo.stop();
      await options.replay.close();
      await options.dispose();
    },
  };
}
