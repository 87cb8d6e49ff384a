import cluster from "node:cluster";
import { SUBGRAPH_NAMES, answerClusterMetricsRequests, type Logger } from "@citygraph/core";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { anchorConfigFromEnv, databaseUrlFromEnv, ledgerSpoolFromEnv, observabilityFromEnv, upperName, type Environment } from "./config.ts";
import { consoleOptionsOf } from "./console.ts";
import { OPS_PORT } from "./lifecycle.ts";
import { startObservability } from "./observability.ts";
import { listenExplained } from "./ports.ts";
import { DEFAULT_LEDGER_SPOOL_FILE } from "./paths.ts";
import { securityFromEnv } from "./security.ts";

/** What {@link runGateway} is handed by `serveGateway`, which has already arranged the stop. */
export interface GatewayProcessContext {
  env: Environment;
  log: Logger;
  /** Names what stopping on SIGTERM/SIGINT must close (see `stopOnSignals`). */
  onStop(close: () => Promise<void>): void;
}

/** The gateway itself, in this process: one worker of `serve gateway`, or the only process. */
export async function runGateway({ env, log, onStop }: GatewayProcessContext): Promise<void> {
  // A worker's metrics are scraped through its primary.
  if (cluster.isWorker) answerClusterMetricsRequests();
  const config = observabilityFromEnv("gateway", OPS_PORT, env);
  const observability = await startObservability(cluster.isWorker ? { ...config, ops: { kind: "off" } } : config, log);
  const subgraphUrls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = env.get(`SUBGRAPH_URL_${upperName(name)}`);
    if (url) subgraphUrls[name] = url;
  }
  const security = await securityFromEnv(env);
  const governanceUrl = databaseUrlFromEnv("governance", env);
  const workerSlot = env.get("CITYGRAPH_GATEWAY_WORKER_SLOT");
  const gateway = await createGateway({
    supergraphSdl: loadSupergraph(env.get("CITYGRAPH_SUPERGRAPH")),
    subgraphUrls,
    identity: security.identity,
    roles: security.roles,
    signingKey: security.gatewayKeys.privateJwk,
    subgraphTokenTtlSeconds: security.subgraphTokenTtlSeconds,
    permissions: security.permissions,
    console: consoleOptionsOf(security, undefined, env),
    governance: governanceUrl
      ? {
          databaseUrl: governanceUrl,
          gatewayDatabaseUrl: env.get("CITYGRAPH_GATEWAY_DATABASE_URL"),
          redisUrl: env.get("REDIS_URL"),
          anchors: anchorConfigFromEnv(undefined, env),
          spool: ledgerSpoolFromEnv(workerSlot ? DEFAULT_LEDGER_SPOOL_FILE.replace(/\.jsonl$/, `-${workerSlot}.jsonl`) : DEFAULT_LEDGER_SPOOL_FILE, env),
        }
      : undefined,
    log,
  });
  const port = env.int("PORT", 4000, { min: 0, max: 65535 });
  const host = env.get("HOST") ?? "127.0.0.1";
  const server = await listenExplained(() => gateway.listen(port, host), port, host, "PORT");
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  onStop(async () => {
    await gateway.close();
    await observability.stop();
  });
}
