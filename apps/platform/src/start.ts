import { defaultSubgraphPort, deriveSubgraphTokenKey, type AnchorConfig, type Logger, type RunningServer, type SubgraphApp, type SubgraphName } from "@citygraph/core";
import { createGateway, type GatewayApp } from "@citygraph/gateway";
import type { GatewayOptions } from "@citygraph/gateway/options";
import { loadSupergraph } from "@citygraph/supergraph";
import { SUBGRAPHS } from "./subgraphs.ts";
import { subgraphNames } from "./databases.ts";
import type { SecurityConfig } from "./security.ts";

/** Options of {@link startServices}. */
export interface StartServicesOptions {
  /** Database URL of each subgraph. */
  databaseUrls: Record<SubgraphName, string>;
  /** Gateway port; 0 picks a free one. Default 4000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  host?: string;
  /** Port of each subgraph; 0 picks a free one. Default 4001.. (see `defaultSubgraphPort`). */
  subgraphPort?: (name: SubgraphName) => number;
  /** Pooled connections per subgraph. Default 10. */
  poolSize?: number;
  /** Keys, roles and permission settings (see `securityFromEnv`). */
  security: SecurityConfig;
  /** Keep the gateway's quota counters and the subgraphs' used token ids in this Redis (`REDIS_URL`). Default: PostgreSQL. */
  redisUrl?: string;
  /** Record every request in the access ledger. Default true; `false` (development only, warned about) is for the benchmark's comparison. */
  ledger?: boolean;
  /** Serve the governance console at /console (see `consoleFromEnv`). Default: not served. */
  console?: GatewayOptions["console"];
  /** Where the ledger's signed anchors go (`anchorConfigFromEnv`). Default none. */
  anchors?: AnchorConfig;
  /** Enforce permissions in the gateway and subgraphs. Default true; the benchmark compares with off. */
  enforcePermissions?: boolean;
  log: Logger;
}

/** Every service of the platform, listening. */
export interface RunningServices {
  gatewayUrl: string;
  gateway: GatewayApp;
  subgraphs: Record<SubgraphName, { app: SubgraphApp; server: RunningServer }>;
  /** Stops the gateway, then the subgraphs, then releases their pools. */
  stop(): Promise<void>;
}

/**
 * Starts each subgraph on its own HTTP server and the gateway in front, routing to the URLs the
 * subgraphs actually got. Used by `citygraph start`, by the tests and by the benchmark.
 */
export async function startServices(options: StartServicesOptions): Promise<RunningServices> {
  const host = options.host ?? "127.0.0.1";
  const started: { app: SubgraphApp; server: RunningServer; name: SubgraphName }[] = [];
  let gateway: GatewayApp | undefined;
  const stop = async () => {
    await gateway?.close();
    await Promise.all(started.map(({ app }) => app.close()));
  };
  try {
    for (const name of subgraphNames()) {
      const app = await SUBGRAPHS[name]!.create({
        databaseUrl: options.databaseUrls[name],
        log: options.log,
        poolSize: options.poolSize,
        gatewayTokenKey: deriveSubgraphTokenKey(options.security.gatewayKeys.privateJwk, name),
        redisUrl: options.redisUrl,
        cursorKey: options.security.cursorKey,
        enforcePermissions: options.enforcePermissions ?? true,
        ledgerAudit: { checkpointKeys: [options.security.gatewayKeys.publicJwk], anchors: options.anchors },
      });
      const server = await app.listen(options.subgraphPort?.(name) ?? defaultSubgraphPort(name), host);
      started.push({ app, server, name });
    }
    gateway = await createGateway({
      supergraphSdl: loadSupergraph(),
      subgraphUrls: Object.fromEntries(started.map(({ name, server }) => [name, server.url])),
      identity: options.security.identity,
      roles: options.security.roles,
      signingKey: options.security.gatewayKeys.privateJwk,
      subgraphTokenTtlSeconds: options.security.subgraphTokenTtlSeconds,
      governance: { databaseUrl: options.databaseUrls.governance, redisUrl: options.redisUrl, anchors: options.anchors },
      ledger: options.ledger === false ? { kind: "off", acknowledged: "development only" } : { kind: "recorded" },
      permissions: { ...options.security.permissions, enforce: options.enforcePermissions ?? true },
      console: options.console,
      log: options.log.child({ service: "gateway" }),
    });
    const server = await gateway.listen(options.port ?? 4000, host);
    return {
      gatewayUrl: server.url,
      gateway,
      subgraphs: Object.fromEntries(started.map(({ name, app, server: s }) => [name, { app, server: s }])) as RunningServices["subgraphs"],
      stop,
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}
