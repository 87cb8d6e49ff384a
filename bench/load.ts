/**
 * Load generation and its statistics: autocannon at a fixed number of connections, one GraphQL
 * query, every response checked for GraphQL errors.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { isDeepStrictEqual } from "node:util";
import autocannon from "autocannon";
import type { Scenario } from "./services.ts";
import { processesStats, processTreeStats } from "./process-stats.ts";

/**
 * autocannon's result of one run made with `skipAggregateResult`: the histograms are still
 * encoded, so runs of several rounds can be merged into true percentiles (averaging per-round p99s
 * would not be one).
 */
export interface RawRun {
  latencies: string;
  totalCompletedRequests: number;
  /** Seconds the run lasted. */
  duration: number;
  /** Connection errors, timeouts included. */
  errors: number;
  timeouts: number;
  /** Responses {@link isGraphQLSuccess} rejected. */
  mismatches: number;
  non2xx: number;
  /** The scenario's own process over the run (isolated layout only): CPU spent, memory at the end. */
  gateway?: { cpuMs: number; rssBytes: number; peakRssBytes: number };
  /** CPU the subgraph processes and PostgreSQL spent over the run (isolated layout only), ms. */
  backends?: { subgraphCpuMs: number; postgresCpuMs?: number };
}

/** Throughput, latency and failures of one scenario over one or more runs. */
export interface LoadStats {
  /** Responses per second (failed ones included: see the failure counts). */
  requestsPerSecond: number;
  /** Response latency, milliseconds (autocannon's resolution is 1 ms). */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** Responses received. */
  requests: number;
  /** Seconds measured. */
  seconds: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  /** Responses whose body carries GraphQL `errors`, whatever their status. */
  graphqlErrors: number;
  /** Requests that got no response: connection errors and timeouts. */
  socketErrors: number;
  /**
   * The gateway process's own cost (isolated layout only): CPU milliseconds per response, and its
   * resident memory at the end of the last run and at its peak, MB.
   */
  gateway?: { cpuMsPerRequest: number; rssMb: number; peakRssMb: number };
  /**
   * What each response cost behind the gateway (isolated layout only): CPU milliseconds of all the
   * subgraph processes together, and of PostgreSQL where its server could be found on this machine.
   */
  backends?: { subgraphCpuMsPerRequest: number; postgresCpuMsPerRequest?: number };
}

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** GraphQL endpoint; the query is POSTed as JSON. */
  url: string;
  /** The GraphQL document every request sends. */
  query: string;
  /** Extra request headers (credentials). Default none. */
  headers?: Record<string, string>;
  /** Seconds of load. */
  durationSeconds: number;
  /** Concurrent keep-alive connections, each sending its next request when the last is answered. */
  connections: number;
  /** Stops the load; the run then rejects with the signal's reason. */
  signal?: AbortSignal;
}

const ERRORS_KEY = /"errors"\s*:/;

/**
 * Whether a response body is a GraphQL success. A substring test, not a parse: it runs on every
 * response in the load generator's event loop and must stay cheap. The preflight checks that the
 * query's successful answer passes it (a field aliased `errors` would not).
 */
export function isGraphQLSuccess(body: string): boolean {
  return !ERRORS_KEY.test(body);
}

/** Applies fixed-concurrency load to one URL and returns autocannon's unmerged result. */
export function runLoad(options: LoadOptions): Promise<RawRun> {
  return new Promise<RawRun>((resolve, reject) => {
    options.signal?.throwIfAborted();
    const instance = autocannon(
      {
        url: options.url,
        method: "POST",
        headers: { ...options.headers, "content-type": "application/json" },
        body: JSON.stringify({ query: options.query }),
        connections: options.connections,
        duration: options.durationSeconds,
        // Always a string at run time; the typings also allow a Buffer.
        verifyBody: (body) => isGraphQLSuccess(typeof body === "string" ? body : String(body ?? "")),
        skipAggregateResult: true,
      },
      (error: unknown, result: unknown) => {
        options.signal?.removeEventListener("abort", onAbort);
        if (options.signal?.aborted) reject(options.signal.reason);
        else if (error) reject(error instanceof Error ? error : new Error(String(error)));
        else resolve(result as RawRun);
      },
    );
    const onAbort = () => instance.stop();
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}

// aggregateResult is autocannon's public API but missing from @types/autocannon.
const aggregateResult = (
  autocannon as unknown as {
    aggregateResult(runs: RawRun[], options: { url: string; connections: number }): autocannon.Result;
  }
).aggregateResult;

/** Merges runs of one scenario: latency percentiles over every response, throughput over all the time. */
export function summarize(runs: RawRun[], url: string, connections: number): LoadStats {
  if (runs.length === 0) throw new Error("summarize needs at least one run");
  const { latency } = aggregateResult(runs, { url, connections });
  const sum = (pick: (run: RawRun) => number) => runs.reduce((total, run) => total + pick(run), 0);
  const requests = sum((r) => r.totalCompletedRequests);
  const seconds = sum((r) => r.duration);
  return {
    requestsPerSecond: seconds > 0 ? requests / seconds : 0,
    latencyMs: {
      mean: latency.average,
      p50: latency.p50,
      p90: latency.p90,
      p99: latency.p99,
      max: latency.max,
    },
    requests,
    seconds,
    non2xx: sum((r) => r.non2xx),
    graphqlErrors: sum((r) => r.mismatches),
    socketErrors: sum((r) => r.errors),
    ...(runs.every((r) => r.gateway)
      ? {
          gateway: {
            cpuMsPerRequest: requests > 0 ? sum((r) => r.gateway!.cpuMs) / requests : Number.NaN,
            rssMb: runs.at(-1)!.gateway!.rssBytes / 2 ** 20,
            peakRssMb: Math.max(...runs.map((r) => r.gateway!.peakRssBytes)) / 2 ** 20,
          },
        }
      : {}),
    ...(runs.every((r) => r.backends)
      ? {
          backends: {
            subgraphCpuMsPerRequest: requests > 0 ? sum((r) => r.backends!.subgraphCpuMs) / requests : Number.NaN,
            ...(runs.every((r) => r.backends!.postgresCpuMs !== undefined)
              ? { postgresCpuMsPerRequest: requests > 0 ? sum((r) => r.backends!.postgresCpuMs!) / requests : Number.NaN }
              : {}),
          },
        }
      : {}),
  };
}

/** Whether any response of these stats failed. */
export function hasFailures(stats: LoadStats): boolean {
  return stats.non2xx + stats.graphqlErrors + stats.socketErrors > 0;
}

/** Options of {@link measureScenarios}. */
export interface MeasureOptions {
  scenarios: Scenario[];
  query: string;
  /** Seconds measured per scenario per round. */
  durationSeconds: number;
  /** Seconds of discarded load before each measurement; 0 for none. */
  warmupSeconds: number;
  connections: number;
  /** Passes over the scenarios; odd passes go in reverse order (A B, B A, ...). */
  rounds: number;
  /**
   * The processes behind every gateway (isolated layout only), whose CPU over each run is reported
   * per request: the subgraphs (looked up per run) and PostgreSQL's server, when known.
   */
  backends?: { subgraphPids(): number[]; postgresPid?: number };
  signal?: AbortSignal;
  /** Receives one human line per measurement. */
  progress?: (line: string) => void;
}

/** Every scenario's runs, one per round, in round order. */
export type Measurements = Map<string, RawRun[]>;

/**
 * Measures every scenario `rounds` times, alternating them so that drift over the run affects all
 * alike. Each measurement follows its own warm-up: the previous scenario's load leaves the shared
 * subgraphs and database warm, but not the gateway about to be measured.
 */
export async function measureScenarios(options: MeasureOptions): Promise<Measurements> {
  const measurements: Measurements = new Map(options.scenarios.map((s) => [s.name, []]));
  const load = { query: options.query, connections: options.connections, signal: options.signal };
  for (let round = 0; round < options.rounds; round++) {
    const order = round % 2 === 0 ? options.scenarios : [...options.scenarios].reverse();
    for (const scenario of order) {
      const label = `round ${round + 1}/${options.rounds} ${scenario.name}`;
      if (options.warmupSeconds > 0) {
        options.progress?.(`${label}: warming up for ${options.warmupSeconds} s`);
        const warmup = await runLoad({
          ...load,
          url: scenario.url,
          headers: scenario.headers,
          durationSeconds: options.warmupSeconds,
        });
        await settle(summarize([warmup], scenario.url, options.connections), options.signal);
      }
      options.progress?.(`${label}: measuring for ${options.durationSeconds} s`);
      const before = scenario.pid === undefined ? undefined : processTreeStats(scenario.pid);
      const backendsBefore = options.backends && backendCpu(options.backends);
      const run = await runLoad({
        ...load,
        url: scenario.url,
        headers: scenario.headers,
        durationSeconds: options.durationSeconds,
      });
      const first = summarize([run], scenario.url, options.connections);
      await settle(first, options.signal);
      // After the settle: the CPU of the requests still in flight when the load stopped belongs to
      // responses counted in this run.
      if (before && scenario.pid !== undefined) {
        const after = processTreeStats(scenario.pid);
        run.gateway = { cpuMs: after.cpuMs - before.cpuMs, rssBytes: after.rssBytes, peakRssBytes: after.peakRssBytes };
      }
      if (options.backends && backendsBefore) {
        const after = backendCpu(options.backends);
        run.backends = {
          subgraphCpuMs: cpuSpent(backendsBefore.subgraphs, after.subgraphs),
          ...(after.postgres !== undefined && backendsBefore.postgres !== undefined
            ? { postgresCpuMs: after.postgres - backendsBefore.postgres }
            : {}),
        };
      }
      measurements.get(scenario.name)!.push(run);
      const stats = summarize([run], scenario.url, options.connections);
      const failures = stats.non2xx + stats.graphqlErrors + stats.socketErrors;
      options.progress?.(
        `${label}: ${stats.requestsPerSecond.toFixed(1)} req/s, p50 ${stats.latencyMs.p50} ms, p99 ${stats.latencyMs.p99} ms` +
          (stats.gateway ? `, gateway ${stats.gateway.cpuMsPerRequest.toFixed(2)} CPU-ms/request, ${stats.gateway.rssMb.toFixed(0)} MB` : "") +
          (stats.backends ? `, subgraphs ${stats.backends.subgraphCpuMsPerRequest.toFixed(2)} CPU-ms/request` : "") +
          (failures > 0 ? `, ${failures} FAILED` : ""),
      );
    }
  }
  return measurements;
}

/** CPU time so far of each subgraph process (by pid) and of PostgreSQL's server tree, ms. */
function backendCpu(backends: NonNullable<MeasureOptions["backends"]>): { subgraphs: Map<number, number>; postgres?: number } {
  return {
    subgraphs: new Map(backends.subgraphPids().map((pid) => [pid, processesStats([pid]).cpuMs])),
    postgres: backends.postgresPid === undefined ? undefined : processTreeStats(backends.postgresPid).cpuMs,
  };
}

/** CPU spent between two readings; a process that appeared in between (a restart) counts from 0. */
function cpuSpent(before: Map<number, number>, after: Map<number, number>): number {
  let spent = 0;
  for (const [pid, cpuMs] of after) spent += cpuMs - (before.get(pid) ?? 0);
  return spent;
}

/**
 * Waits out the requests a run leaves behind. autocannon ends by closing its sockets, but the
 * servers go on executing the requests in flight (up to `connections` of them), which would
 * otherwise load the next measurement, or fail noisily when the servers stop. None can take longer
 * than the slowest response seen, or than autocannon's 10 s timeout.
 */
async function settle(stats: LoadStats, signal?: AbortSignal): Promise<void> {
  await sleep(Math.min(stats.latencyMs.max, 10_000) + 100, undefined, { signal });
}

/** What the preflight found on one scenario. */
export type PreflightResult =
  | { scenario: Scenario; ok: true; data: unknown }
  | { scenario: Scenario; ok: false; status: number; problem: string; errors: PreflightError[] };

/** A GraphQL error as the preflight reports it. */
export interface PreflightError {
  message: string;
  code?: string;
  path?: (string | number)[];
}

/**
 * Sends the query once and checks that it succeeds: a benchmark of error responses measures
 * nothing (and fields the query needs may not exist yet while subgraphs are being built).
 */
export async function preflight(
  scenario: Scenario,
  query: string,
  signal?: AbortSignal,
): Promise<PreflightResult> {
  const fail = (status: number, problem: string, errors: PreflightError[] = []): PreflightResult => ({
    scenario,
    ok: false,
    status,
    problem,
    errors,
  });
  let response: Response;
  try {
    response = await fetch(scenario.url, {
      method: "POST",
      headers: { ...scenario.headers, "content-type": "application/json" },
      body: JSON.stringify({ query }),
      signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
    });
  } catch (error) {
    signal?.throwIfAborted();
    return fail(0, `no response (${error instanceof Error ? error.message : String(error)})`);
  }
  const text = await response.text();
  let body: {
    data?: unknown;
    errors?: { message?: unknown; path?: unknown; extensions?: { code?: unknown } }[];
  };
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    return fail(response.status, `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}`);
  }
  if (Array.isArray(body.errors) && body.errors.length > 0) {
    const errors = body.errors.map((e) => ({
      message: String(e.message),
      code: typeof e.extensions?.code === "string" ? e.extensions.code : undefined,
      path: Array.isArray(e.path) ? (e.path as (string | number)[]) : undefined,
    }));
    return fail(response.status, `HTTP ${response.status} with ${errors.length} GraphQL error(s)`, errors);
  }
  if (!response.ok || body.data === undefined || body.data === null) {
    return fail(response.status, `HTTP ${response.status} without data: ${text.slice(0, 200)}`);
  }
  if (!isGraphQLSuccess(text)) {
    return fail(
      response.status,
      'the answer holds a key named "errors" inside its data, which the load generator would count as a failure; alias that field',
    );
  }
  return { scenario, ok: true, data: body.data };
}

/** The preflight of a whole run. */
export interface PreflightSummary {
  /** Scenarios whose query failed. */
  failures: PreflightResult[];
  /**
   * Scenarios answering differently from their baseline: their comparison would not be like for
   * like (worth a warning; a scenario may differ on purpose).
   */
  differing: { scenario: string; baseline: string }[];
}

/** Runs {@link preflight} on every scenario and compares each answer with its baseline's. */
export async function preflightAll(
  scenarios: Scenario[],
  query: string,
  signal?: AbortSignal,
): Promise<PreflightSummary> {
  const results: PreflightResult[] = [];
  for (const scenario of scenarios) results.push(await preflight(scenario, query, signal));
  const data = new Map(results.flatMap((r) => (r.ok ? [[r.scenario.name, r.data] as const] : [])));
  const differing = scenarios.flatMap((s) =>
    (s.baselines ?? []).flatMap((baseline) =>
      data.has(s.name) && data.has(baseline) && !isDeepStrictEqual(data.get(s.name), data.get(baseline))
        ? [{ scenario: s.name, baseline }]
        : [],
    ),
  );
  return { failures: results.filter((r) => !r.ok), differing };
}
