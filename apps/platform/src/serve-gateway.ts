import cluster from "node:cluster";
import { createLogger } from "@citygraph/core/log";
import { clusterMetricsRenderer } from "@citygraph/core/telemetry";
import { observabilityFromEnv, processEnvironment } from "./config.ts";
import { OPS_PORT, stopOnSignals } from "./lifecycle.ts";
import { startObservability } from "./observability.ts";

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
  // Loaded here, not above: a primary only forks and sums metrics, and the gateway's code (Apollo's
  // gateway, the ledger, the console) is most of a gateway process's start-up.
  const { runGateway } = await import("./gateway-process.ts");
  await runGateway({ env, log, onStop });
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
