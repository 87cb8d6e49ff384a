import cluster from "node:cluster";
import { AggregatorRegistry, Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * The process's Prometheus metrics (prom-client). One registry per process: `citygraph start` runs
 * several services in one process, so every service metric has a `service` label. Labels are
 * names, codes and decisions — never a value, a principal or a person.
 */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: "citygraph_" });
// Gateway workers (node:cluster) answer the primary's scrape with this registry; the primary
// serves the sum on its operations port.
if (cluster.isWorker) AggregatorRegistry.setRegistries([metricsRegistry]);

/** Latency buckets in seconds: a governed query runs from ~1 ms to seconds. */
const LATENCY = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What a server can say about one GraphQL response. */
export type RequestOutcome = "ok" | "partial" | "error";

export const requestsTotal = new Counter({
  name: "citygraph_graphql_requests_total",
  help: "GraphQL requests answered, by outcome (ok, partial: data with errors, error: no data) and first error code.",
  labelNames: ["service", "outcome", "code"] as const,
  registers: [metricsRegistry],
});

export const requestDuration = new Histogram({
  name: "citygraph_graphql_request_duration_seconds",
  help: "Time from request start to response, seconds.",
  labelNames: ["service", "outcome"] as const,
  buckets: LATENCY,
  registers: [metricsRegistry],
});

export const refusalsTotal = new Counter({
  name: "citygraph_refusals_total",
  help: "Requests refused before execution (HTTP layer, credentials, agreements, limits, permissions), by code.",
  labelNames: ["service", "code"] as const,
  registers: [metricsRegistry],
});

export const planDuration = new Histogram({
  name: "citygraph_gateway_plan_duration_seconds",
  help: "Time the gateway spent finding the query plan of an operation (cache hits included), seconds.",
  buckets: LATENCY,
  registers: [metricsRegistry],
});

export const subgraphFetchDuration = new Histogram({
  name: "citygraph_gateway_subgraph_fetch_duration_seconds",
  help: "Duration of the gateway's requests to each subgraph, by outcome (ok, error, timeout), seconds.",
  labelNames: ["subgraph", "outcome"] as const,
  buckets: LATENCY,
  registers: [metricsRegistry],
});

export const fieldDecisionsTotal = new Counter({
  name: "citygraph_field_decisions_total",
  help: "Field coordinates requested, by owning subgraph and decision (full, masked, denied).",
  labelNames: ["owner", "access"] as const,
  registers: [metricsRegistry],
});

export const quotaUsedTotal = new Counter({
  name: "citygraph_quota_used_total",
  help: "Quota taken by third parties, by agreement and kind (requests, records).",
  labelNames: ["agreement", "kind"] as const,
  registers: [metricsRegistry],
});

export const ledgerCommitDuration = new Histogram({
  name: "citygraph_ledger_commit_duration_seconds",
  help: "Duration of one group commit of access-ledger entries, seconds.",
  buckets: LATENCY,
  registers: [metricsRegistry],
});

export const sqlStatementsTotal = new Counter({
  name: "citygraph_sql_statements_total",
  help: "SQL statements sent to PostgreSQL, by service.",
  labelNames: ["service"] as const,
  registers: [metricsRegistry],
});

/** Something whose current state is read at scrape time. */
type Probe = () => number | undefined;

/**
 * A gauge whose value is read from live objects at scrape time (pool sizes, ledger queue): each
 * registered probe contributes one labelled sample. Registering again under the same labels
 * replaces the probe, so a service restarted in one process (tests) does not leak old ones.
 */
function probedGauge<L extends string>(name: string, help: string, labelNames: readonly L[]) {
  const probes = new Map<string, { labels: Record<L, string>; probe: Probe }>();
  new Gauge({
    name,
    help,
    labelNames,
    registers: [metricsRegistry],
    collect() {
      this.reset();
      for (const { labels, probe } of probes.values()) {
        const value = probe();
        if (value !== undefined) this.set(labels, value);
      }
    },
  });
  return (labels: Record<L, string>, probe: Probe): (() => void) => {
    const key = JSON.stringify(labels);
    probes.set(key, { labels, probe });
    return () => {
      if (probes.get(key)?.probe === probe) probes.delete(key);
    };
  };
}

/** Pool connections per service and state (total, idle, waiting clients): saturation at a glance. */
export const probePoolConnections = probedGauge("citygraph_db_pool_connections", "Database pool connections by state.", [
  "service",
  "state",
] as const);

/** Access-ledger state: entries waiting for commit, spooled bytes, the chain head's seq. */
export const probeLedger = probedGauge("citygraph_ledger_state", "Access-ledger state: pending entries, spool bytes, head seq.", [
  "state",
] as const);

/** Prometheus text exposition of every metric of this process. */
export function renderMetrics(): Promise<string> {
  return metricsRegistry.metrics();
}

/** For a cluster primary: its workers' metrics, aggregated (counters summed), in Prometheus text. */
export function clusterMetricsRenderer(): () => Promise<string> {
  const aggregator = new AggregatorRegistry();
  return () => aggregator.clusterMetrics();
}

/**
 * In a cluster worker: answers the primary's requests for this process's metrics (what
 * {@link clusterMetricsRenderer} sums). prom-client answers only once an AggregatorRegistry exists in
 * the worker, and by default from its global registry, where citygraph's metrics are not.
 */
export function answerClusterMetricsRequests(): void {
  AggregatorRegistry.setRegistries([metricsRegistry]);
  new AggregatorRegistry();
}

/** The content type of {@link renderMetrics}' output. */
export const METRICS_CONTENT_TYPE = metricsRegistry.contentType;
