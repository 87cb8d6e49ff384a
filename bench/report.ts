/** The benchmark's results: the report's shape (also the `--json` output) and its text form. */
import { availableParallelism, cpus, platform, arch, loadavg, totalmem } from "node:os";
import { hasFailures, summarize, type LoadStats, type Measurements, type PreflightResult } from "./load.ts";
import type { Scenario } from "./services.ts";

/** Where the numbers were measured. */
export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  /**
   * One-minute load average when the run started. Above the core count, other work competed for
   * the CPUs: absolute numbers suffer, ratios much less (both sides share the noise).
   */
  loadAverage: number;
}

/** How they were measured. */
export interface BenchSettings {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  rounds: number;
  /** Seed scale of the data. */
  scale: number;
  database: "embedded" | "external";
  query: string;
  /** Absolute path of `--query-file`; undefined for the default query. */
  queryFile?: string;
  /** Where the servers ran (`--layout`). */
  layout: "isolated" | "shared";
  /** Which CPUs the isolated layout confined what to; empty for the shared layout. */
  pinning: string;
}

/** One scenario's results: over all rounds, and per round (to see drift). */
export interface ScenarioResult {
  name: string;
  description: string;
  url: string;
  baselines?: string[];
  total: LoadStats;
  rounds: LoadStats[];
}

/**
 * A scenario divided by its baseline. Above 1 is better for throughput, below 1 is better for
 * latency.
 */
export interface Comparison {
  scenario: string;
  baseline: string;
  throughputRatio: number;
  p50Ratio: number;
  p99Ratio: number;
  /**
   * The baseline's gateway CPU per request divided by the scenario's (isolated layout only): the
   * scenario's requests per second per gateway core against the baseline's. Above 1 is better.
   */
  perCoreRatio?: number;
}

/** Everything one run measured; printed as tables, or as JSON with `--json`. */
export interface BenchReport {
  machine: MachineInfo;
  settings: BenchSettings;
  scenarios: ScenarioResult[];
  comparisons: Comparison[];
  /** Whether any response failed (the numbers then describe errors, not the query). */
  failed: boolean;
}

/** The machine this process runs on. */
export function machineInfo(): MachineInfo {
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${arch()}`,
    loadAverage: Math.round(loadavg()[0]! * 100) / 100,
  };
}

/** Summarises the measurements and pairs every scenario with its baseline. */
export function buildReport(input: {
  machine: MachineInfo;
  settings: BenchSettings;
  scenarios: Scenario[];
  measurements: Measurements;
}): BenchReport {
  const { connections } = input.settings;
  const scenarios = input.scenarios.map((s): ScenarioResult => {
    const runs = input.measurements.get(s.name) ?? [];
    return {
      name: s.name,
      description: s.description,
      url: s.url,
      baselines: s.baselines,
      total: summarize(runs, s.url, connections),
      rounds: runs.map((run) => summarize([run], s.url, connections)),
    };
  });
  const byName = new Map(scenarios.map((s) => [s.name, s]));
  const comparisons = scenarios.flatMap((s): Comparison[] =>
    (s.baselines ?? []).flatMap((name) => {
      const base = byName.get(name);
      if (!base) return [];
      return [
        {
          scenario: s.name,
          baseline: base.name,
          throughputRatio: ratio(s.total.requestsPerSecond, base.total.requestsPerSecond),
          p50Ratio: ratio(s.total.latencyMs.p50, base.total.latencyMs.p50),
          p99Ratio: ratio(s.total.latencyMs.p99, base.total.latencyMs.p99),
          ...(s.total.gateway && base.total.gateway
            ? { perCoreRatio: ratio(base.total.gateway.cpuMsPerRequest, s.total.gateway.cpuMsPerRequest) }
            : {}),
        },
      ];
    }),
  );
  return {
    machine: input.machine,
    settings: input.settings,
    scenarios,
    comparisons,
    failed: scenarios.some((s) => hasFailures(s.total)),
  };
}

function ratio(value: number, baseline: number): number {
  return baseline > 0 ? value / baseline : Number.NaN;
}

/** The report as text: the setting, one row per scenario (and per round), then the ratios. */
export function formatReport(report: BenchReport): string {
  const { machine: m, settings: s } = report;
  const lines: string[] = [];
  lines.push(
    `machine:  ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadAverage} at start`,
  );
  if (m.loadAverage > m.cores)
    lines.push(
      "          (other work was competing for the CPUs: trust the ratios more than the absolute numbers)",
    );
  lines.push(
    `load:     ${s.connections} connections, ${s.rounds} round(s) × ${s.durationSeconds} s per scenario` +
      (s.warmupSeconds > 0 ? `, each after ${s.warmupSeconds} s of warm-up` : ", no warm-up"),
  );
  lines.push(
    `data:     seed scale ${s.scale}, ${s.database === "embedded" ? "embedded PostgreSQL" : "DATABASE_URL"}`,
  );
  lines.push(`layout:   ${s.layout}${s.pinning ? ` (${s.pinning})` : ""}`);
  lines.push(`query:    ${s.queryFile ?? "the default four-subgraph query"}`);
  lines.push(...s.query.split("\n").map((l) => `  ${l}`));
  lines.push("");

  const isolated = report.scenarios.some((x) => x.total.gateway);
  const header = [
    "scenario",
    "round",
    "req/s",
    "p50 ms",
    "p99 ms",
    ...(isolated ? ["gateway CPU-ms/req", "gateway RSS MB", "peak MB", "subgraphs CPU-ms/req", "PostgreSQL CPU-ms/req"] : []),
    "non-2xx",
    "GraphQL errors",
    "socket errors",
  ];
  const rows: string[][] = [];
  for (const scenario of report.scenarios) {
    rows.push([scenario.name, "all", ...statCells(scenario.total, isolated)]);
    if (scenario.rounds.length > 1) {
      scenario.rounds.forEach((round, i) => rows.push(["", String(i + 1), ...statCells(round, isolated)]));
    }
  }
  lines.push(...table(header, rows));
  lines.push("");
  for (const scenario of report.scenarios)
    lines.push(`${scenario.name}: ${scenario.description}, ${scenario.url}`);

  if (report.comparisons.length > 0) {
    lines.push("");
    for (const c of report.comparisons) {
      lines.push(
        `${c.scenario} / ${c.baseline}:  ` +
          (c.perCoreRatio !== undefined ? `per gateway core ×${c.perCoreRatio.toFixed(2)}   ` : "") +
          `throughput ×${c.throughputRatio.toFixed(2)} (higher is better)   ` +
          `p99 ×${c.p99Ratio.toFixed(2)}   p50 ×${c.p50Ratio.toFixed(2)} (lower is better)`,
      );
    }
  }
  if (report.failed) {
    lines.push("");
    lines.push("FAILED: some responses were errors; the numbers above describe those errors, not the query.");
  }
  return lines.join("\n") + "\n";
}

function statCells(stats: LoadStats, isolated: boolean): string[] {
  return [
    stats.requestsPerSecond.toFixed(1),
    formatMs(stats.latencyMs.p50),
    formatMs(stats.latencyMs.p99),
    ...(isolated
      ? [
          stats.gateway?.cpuMsPerRequest.toFixed(2) ?? "-",
          stats.gateway?.rssMb.toFixed(0) ?? "-",
          stats.gateway?.peakRssMb.toFixed(0) ?? "-",
          stats.backends?.subgraphCpuMsPerRequest.toFixed(2) ?? "-",
          stats.backends?.postgresCpuMsPerRequest?.toFixed(2) ?? "-",
        ]
      : []),
    String(stats.non2xx),
    String(stats.graphqlErrors),
    String(stats.socketErrors),
  ];
}

function formatMs(ms: number): string {
  return Number.isInteger(ms) ? String(ms) : ms.toFixed(1);
}

/** Left-aligned text columns, numbers right-aligned. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = header.map((_, i) => i >= 2);
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)];
}

/** Explains why the query cannot be benchmarked, listing each scenario's GraphQL errors. */
export function formatPreflightFailures(failures: PreflightResult[], usingDefaultQuery: boolean): string {
  const lines = ["The benchmark query does not succeed, so there is nothing meaningful to measure:"];
  for (const f of failures) {
    if (f.ok) continue;
    lines.push(`  ${f.scenario.name} (${f.scenario.url}): ${f.problem}`);
    for (const e of f.errors) {
      const where = e.path ? ` at ${e.path.join(".")}` : "";
      lines.push(`    - ${e.message}${e.code ? ` [${e.code}]` : ""}${where}`);
    }
  }
  lines.push(
    usingDefaultQuery
      ? "The default query needs the registry, health, transport, education and enterprise subgraphs and their " +
          "fields. Until they all exist, pass a query that works today with --query-file (see bench/README.md)."
      : "Fix the query in --query-file (try it in the explorer of `npm start` first).",
  );
  return lines.join("\n");
}
