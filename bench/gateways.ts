/**
 * One gateway under test, alone in a process, for the benchmark's isolated layout (see
 * isolated.ts): plain @apollo/gateway, Hive Gateway (JavaScript runtime, in-flight deduplication
 * off or on), Hive Gateway with the Rust query planner, or citygraph's gateway with its ledger or
 * permission layer off. Citygraph as shipped is not started here: the benchmark runs the real
 * `citygraph serve gateway` for it. The parent forks this file and sends one `start` message; the
 * child answers with its URL and exits when the parent goes away.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { createInternalTokenSigner, createLogger, type Principal, type SubgraphOperation } from "@citygraph/core";
import { createGateway, withoutSecurityFeatures } from "@citygraph/gateway";
import { securityFromEnv } from "@citygraph/platform";
import { startBaselineGateway } from "./baseline.ts";
import type { GatewayKind } from "./options.ts";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

/** The parent's one message. */
export interface GatewayStartMessage {
  type: "start";
  kind: GatewayKind;
  supergraphSdl: string;
  /** Where each subgraph listens, by name. */
  subgraphUrls: Record<string, string>;
  /** Whom the baselines' subgraph tokens speak for: the principal citygraph derives from the caller's token. */
  principal: Principal;
  /** Governance database (the ledger-off and permissions-off variants still check agreements there). */
  governanceUrl: string;
}

/** The child's answer. */
export type GatewayChildMessage = { type: "ready"; url: string } | { type: "failed"; message: string };

async function start(message: GatewayStartMessage): Promise<string> {
  const security = await securityFromEnv();
  const kind = message.kind;
  switch (kind) {
    case "apollo": {
      const baseline = await startBaselineGateway({
        supergraphSdl: message.supergraphSdl,
        subgraphUrls: message.subgraphUrls,
        signingKey: security.gatewayKeys.privateJwk,
        principal: message.principal,
      });
      return baseline.url;
    }
    case "hive":
    case "hive-dedup":
    case "hive-rust":
      return startHive(kind, message, security.gatewayKeys.privateJwk);
    case "permissions-off":
    case "ledger-off": {
      const gateway = await createGateway({
        supergraphSdl: message.supergraphSdl,
        subgraphUrls: message.subgraphUrls,
        identity: security.identity,
        roles: security.roles,
        signingKey: security.gatewayKeys.privateJwk,
        subgraphTokenTtlSeconds: security.subgraphTokenTtlSeconds,
        governance: { databaseUrl: message.governanceUrl },
        ledger: { kind: "off", acknowledged: "development only" },
        permissions: { ...security.permissions, enforce: kind === "ledger-off" },
        log: createLogger({ service: "bench-gateway" }, "warn"),
      });
      return (await gateway.listen(0, "127.0.0.1")).url;
    }
    default:
      throw new Error(`unreachable gateway kind: ${String(kind satisfies never)}`);
  }
}

/**
 * Hive Gateway over the same supergraph. Citygraph's subgraphs answer only gateway tokens bound to
 * the operation they carry, so a plugin signs one per subgraph fetch from the body about to be
 * sent, as citygraph's gateway and the Apollo baseline do. Without deduplication, every client
 * request is executed and every subgraph fetch sent (the executor's own merging of identical
 * concurrent fetches is turned off too: it keys them before the token is attached, so it would
 * merge fetches of callers with different grants).
 */
/**
 * The slice of Hive Gateway's API used here. Its modules are imported by a computed name so that
 * the type-checker never reads their declarations: graphql-yoga's augment graphql's
 * `GraphQLErrorExtensions.http.headers` as a plain record for the whole program, which citygraph's
 * own errors (Apollo's `Map` of headers) would then no longer satisfy.
 */
interface HiveRuntime {
  createGatewayRuntime(config: Record<string, unknown>): (req: IncomingMessage, res: ServerResponse) => void;
}
interface HiveFetchPayload {
  url: string;
  options: { body?: unknown; headers?: unknown };
  setOptions(options: { body?: unknown; headers?: unknown }): void;
}
const importByName = (name: string): Promise<unknown> => import(name);

async function startHive(kind: "hive" | "hive-dedup" | "hive-rust", message: GatewayStartMessage, signingKey: Parameters<typeof createInternalTokenSigner>[0]["gatewayKey"]): Promise<string> {
  const sign = createInternalTokenSigner({ gatewayKey: signingKey });
  const subgraphOf = new Map(Object.entries(message.subgraphUrls).map(([name, url]) => [url, name]));
  const tokens = {
    onFetch: async ({ url, options, setOptions }: HiveFetchPayload) => {
      const subgraph = subgraphOf.get(url);
      if (!subgraph || typeof options.body !== "string") return;
      const operation = JSON.parse(options.body) as SubgraphOperation;
      const token = await sign(message.principal, subgraph, "bench-hive", operation);
      setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), authorization: `Bearer ${token}` } });
    },
  };
  const dedup = kind === "hive-dedup";
  const { createGatewayRuntime } = (await importByName("@graphql-hive/gateway-runtime")) as HiveRuntime;
  const unifiedGraphHandler = kind === "hive-rust" ? ((await importByName("@graphql-hive/router-runtime")) as { unifiedGraphHandler: unknown }).unifiedGraphHandler : undefined;
  // Hive routes to the URLs the supergraph records (Apollo's gateway takes them from its data
  // sources): point them at the subgraphs running now.
  const supergraph = withoutSecurityFeatures(message.supergraphSdl).replace(
    /@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g,
    (recorded, name: string) => (message.subgraphUrls[name] ? `@join__graph(name: "${name}", url: "${message.subgraphUrls[name]}")` : recorded),
  );
  const runtime = createGatewayRuntime({
    supergraph,
    ...(unifiedGraphHandler ? { unifiedGraphHandler } : {}),
    inboundInflightRequestDeduplication: dedup,
    transportEntries: { "*": { options: { deduplicateInflightRequests: dedup } } },
    plugins: () => [tokens],
    logging: "error",
    landingPage: false,
    graphiql: false,
  });
  const server = createServer(runtime);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
}

if (process.send) {
  process.once("message", (message: GatewayStartMessage) => {
    start(message).then(
      (url) => process.send!({ type: "ready", url } satisfies GatewayChildMessage),
      (error: unknown) => process.send!({ type: "failed", message: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies GatewayChildMessage, () => process.exit(1)),
    );
  });
  process.on("disconnect", () => process.exit(0));
}
