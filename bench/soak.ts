/**
 * `npm run bench -- --soak MINUTES`: one gateway under unbroken saturation, minute by minute, to
 * show that its memory stays flat and that no request fails over a long run (what a comparison
 * of a few seconds per scenario cannot show: a leak, a cache without a bound, a pool that wears).
 */
import type { MachineInfo } from "./report.ts";
import { hasFailures, runLoad, summarize, type LoadStats, type RawRun } from "./load.ts";
import { processTreeStats } from "./process-stats.ts";
import type { Scenario } from "./services.ts";

/** Seconds of load per reported window. */
const WINDOW_SECONDS = 60;
/** Seconds between two readings of the gateway's memory. */
const SAMPLE_SECONDS = 5;

/** One minute of the soak. */
export interface SoakWindow {
  /** Seconds since the soak began, at the window's end. */
  endSeconds: number;
  stats: LoadStats;
}

/** What a soak found. */
export interface SoakReport {
  machine: MachineInfo;
  settings: { gateway: string; description: string; minutes: number; connections: number; scale: number; query: string; pinning: string };
  windows: SoakWindow[];
  /** Every window merged: latency percentiles over every response of the soak. */
  total: LoadStats;
  /** The gateway's resident memory, MB: before the load, its highest reading, at the end, and every reading. */
  memory: { startMb: number; peakMb: number; endMb: number; samples: { seconds: number; rssMb: number }[] };
  /** Whether any response failed (non-2xx, GraphQL errors, no response). */
  failed: boolean;
}

/** Options of {@link runSoak}. */
export interface SoakOptions {
  /** The gateway under test; it must carry its process id, whose tree's memory is read. */
  scenario: Scenario;
  query: string;
  minutes: number;
  connections: number;
  signal?: AbortSignal;
  progress?: (line: string) => void;
}

const mb = (bytes: number) => bytes / 2 ** 20;

/** Loads the scenario for `minutes` without a pause and reports it per window. */
export async function runSoak(options: SoakOptions): Promise<Pick<SoakReport, "windows" | "total" | "memory" | "failed">> {
  const { scenario } = options;
  const pid = scenario.pid;
  if (pid === undefined) throw new Error(`the soak needs the process of ${scenario.name} to read its memory`);
  const began = Date.now();
  const seconds = () => Math.round((Date.now() - began) / 1000);
  const samples = [{ seconds: 0, rssMb: mb(processTreeStats(pid).rssBytes) }];
  const sampler = setInterval(() => samples.push({ seconds: seconds(), rssMb: mb(processTreeStats(pid).rssBytes) }), SAMPLE_SECONDS * 1000);
  const windows: SoakWindow[] = [];
  const runs: RawRun[] = [];
  try {
    const total = options.minutes * 60;
    for (let done = 0; done < total; done += WINDOW_SECONDS) {
      const before = processTreeStats(pid);
      // No settle between windows: the next one's connections open while the last one's requests
      // finish, so the gateway is never left idle and the load is one unbroken run.
      const run = await runLoad({
        url: scenario.url,
        headers: scenario.headers,
        query: options.query,
        connections: options.connections,
        durationSeconds: Math.min(WINDOW_SECONDS, total - done),
        signal: options.signal,
      });
      const after = processTreeStats(pid);
      run.gateway = { cpuMs: after.cpuMs - before.cpuMs, rssBytes: after.rssBytes, peakRssBytes: after.peakRssBytes };
      runs.push(run);
      const stats = summarize([run], scenario.url, options.connections);
      windows.push({ endSeconds: seconds(), stats });
      const failures = stats.non2xx + stats.graphqlErrors + stats.socketErrors;
      options.progress?.(
        `soak ${Math.round((done + run.duration) / 60)}/${options.minutes} min: ${stats.requestsPerSecond.toFixed(1)} req/s, ` +
          `p99 ${stats.latencyMs.p99} ms, gateway ${stats.gateway!.cpuMsPerRequest.toFixed(2)} CPU-ms/request, ${stats.gateway!.rssMb.toFixed(0)} MB` +
          (failures > 0 ? `, ${failures} FAILED` : ""),
      );
    }
  } finally {
    clearInterval(sampler);
  }
  samples.push({ seconds: seconds(), rssMb: mb(processTreeStats(pid).rssBytes) });
  const totalStats = summarize(runs, scenario.url, options.connections);
  return {
    windows,
    total: totalStats,
    memory: {
      startMb: samples[0]!.rssMb,
      peakMb: Math.max(...samples.map((s) => s.rssMb)),
      endMb: samples.at(-1)!.rssMb,
      samples,
    },
    failed: hasFailures(totalStats),
  };
}

/** The soak as text: the setting, one row per minute, the memory's course and the verdict on failures. */
export function formatSoak(report: SoakReport): string {
  const { machine: m, settings: s, memory } = report;
  const lines = [
    `machine:  ${m.cores} cores (${m.cpuModel}), ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}, load average ${m.loadAverage} at start`,
    `soak:     ${s.gateway} (${s.description}), ${s.minutes} min unbroken at ${s.connections} connections, seed scale ${s.scale}`,
    `layout:   isolated (${s.pinning})`,
    "",
  ];
  const header = ["minute", "req/s", "p50 ms", "p99 ms", "gateway CPU-ms/req", "RSS MB", "failed"];
  const rows = report.windows.map((w, i) => [
    String(i + 1),
    w.stats.requestsPerSecond.toFixed(1),
    String(w.stats.latencyMs.p50),
    String(w.stats.latencyMs.p99),
    w.stats.gateway?.cpuMsPerRequest.toFixed(2) ?? "-",
    w.stats.gateway?.rssMb.toFixed(0) ?? "-",
    String(w.stats.non2xx + w.stats.graphqlErrors + w.stats.socketErrors),
  ]);
  const t = report.total;
  rows.push([
    "all",
    t.requestsPerSecond.toFixed(1),
    String(t.latencyMs.p50),
    String(t.latencyMs.p99),
    t.gateway?.cpuMsPerRequest.toFixed(2) ?? "-",
    "",
    String(t.non2xx + t.graphqlErrors + t.socketErrors),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padStart(widths[i]!)).join("  ");
  lines.push(line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line), "");
  const growth = memory.endMb - memory.startMb;
  lines.push(
    `memory:   gateway RSS ${memory.startMb.toFixed(0)} MB at the start, ${memory.peakMb.toFixed(0)} MB at its peak, ` +
      `${memory.endMb.toFixed(0)} MB at the end (${growth >= 0 ? "+" : ""}${growth.toFixed(0)} MB, ` +
      `${memory.samples.length} readings ${SAMPLE_SECONDS} s apart)`,
  );
  lines.push(
    report.failed
      ? `FAILED:   ${t.non2xx} non-2xx, ${t.graphqlErrors} with GraphQL errors, ${t.socketErrors} without a response, of ${t.requests} requests`
      : `failures: none of ${t.requests} requests`,
  );
  return lines.join("\n") + "\n";
}
