import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { StartupError } from "@citygraph/core";

/**
 * The gateways bench/gateways.ts starts in a process of its own: plain Apollo, Hive Gateway (dedup
 * off or on), Hive Gateway with the Rust planner, citygraph's gateway with permissions or ledger off.
 */
export const GATEWAY_KINDS = ["apollo", "hive", "hive-dedup", "hive-rust", "permissions-off", "ledger-off"] as const;
/** One of {@link GATEWAY_KINDS}. */
export type GatewayKind = (typeof GATEWAY_KINDS)[number];

/** Every gateway the isolated layout can measure, in the order it runs them: the kinds, then `citygraph serve gateway` as shipped. */
export const ISOLATED_GATEWAYS = [...GATEWAY_KINDS, "citygraph"] as const;

/** One gateway of {@link ISOLATED_GATEWAYS}. */
export type IsolatedGateway = (typeof ISOLATED_GATEWAYS)[number];

/**
 * The four-subgraph query measured by default: a page of persons (registry) with their district,
 * health code (health), border crossings (transport), school enrolment (education) and employer
 * (enterprise), so every request fans out across the federation.
 */
export const DEFAULT_QUERY = `query Bench {
  persons(district: "410105", first: 10) {
    nodes {
      id
      name
      district { name }
      healthCode { color }
      crossings(first: 3) { nodes { time direction } }
      enrolment { grade school { name } }
      employment { enterprise { name resumptionStatus } }
    }
  }
}`;

/** What one `npm run bench` measures, and how. */
export interface BenchOptions {
  /** Seconds of measured load per scenario per round. Default 10. */
  durationSeconds: number;
  /** Seconds of unmeasured load before each measurement (JIT, pools, caches). 0 skips it. Default 3. */
  warmupSeconds: number;
  /** Concurrent keep-alive connections the load generator holds open. Default 32. */
  connections: number;
  /**
   * Passes over every scenario. Each pass reverses the order of the one before (A B, B A, ...), so
   * slow drift of the machine (thermal, other processes) lands on every scenario alike. Default 2.
   */
  rounds: number;
  /**
   * Seed scale to measure at (1 = demo data). Undefined: whatever the database holds, or 1 when it
   * is empty. A scale other than the seeded one fails with the seed's own advice (`--reset`).
   */
  scale?: number;
  /** The GraphQL document each request sends. Default {@link DEFAULT_QUERY}. */
  query: string;
  /** Where `query` came from, for the report; undefined for the default query. */
  queryFile?: string;
  /** Print the results as one JSON document on stdout instead of tables. Default false. */
  json: boolean;
  /**
   * `isolated` (default): each gateway under test in its own process on a core of its own, the
   * subgraphs in theirs (isolated.ts), measured at `connections` and again at one connection.
   * `shared`: citygraph's configurations and plain Apollo in one process with the subgraphs
   * (services.ts), which measures the platform on one event loop, not a gateway's own cost.
   */
  layout: BenchLayout;
  /**
   * The gateways the isolated layout starts and measures (a ratio whose baseline is left out is
   * not reported). Default all of {@link ISOLATED_GATEWAYS}, in that order.
   */
  gateways: readonly IsolatedGateway[];
  /**
   * Minutes of one unbroken soak instead of the comparison (undefined: no soak): one gateway of
   * the isolated layout (citygraph unless `--gateways` names another) at `connections`, reported
   * per minute, its memory sampled every 5 s. Undefined by default.
   */
  soakMinutes?: number;
}

/** Where the servers under test run; see {@link BenchOptions.layout}. */
export type BenchLayout = "isolated" | "shared";

/** Usage text of `npm run bench`. */
export const USAGE = `npm run bench -- [options]

Measures citygraph's gateway against plain @apollo/gateway and Hive Gateway over the same
subgraphs, in the same run, and prints each one's throughput, latency and (isolated layout) CPU
per request, with the ratios between them.

  --duration S      seconds measured per scenario and round (default 10)
  --warmup S        seconds of unmeasured load before each measurement (default 3; 0 = none)
  --connections N   concurrent connections (default 32)
  --rounds N        passes over the scenarios, alternating their order (default 2)
  --scale N         seed scale to measure at (default: what the database holds, else 1)
  --query-file F    a file holding the GraphQL query to send (default: the four-subgraph query)
  --layout L        isolated (default): every gateway alone on one core, the subgraphs in their own
                    processes on the others, CPU-ms per request of each gateway, at N connections
                    and at 1; shared: every server in one process (the platform on one event loop)
  --gateways LIST   isolated layout: the gateways to measure, comma-separated, of
                    ${ISOLATED_GATEWAYS.join(", ")} (default all)
  --soak MINUTES    instead of the comparison, one gateway (citygraph, or the one --gateways names)
                    under unbroken load for MINUTES (e.g. 30), reported minute by minute: req/s,
                    p99, failures, CPU-ms per request and memory (start, peak, end); fails on any
                    failed request
  --json            print machine-readable results on stdout
  -h, --help        this text
`;

const FLAGS = {
  duration: { type: "string" },
  warmup: { type: "string" },
  connections: { type: "string" },
  rounds: { type: "string" },
  scale: { type: "string" },
  "query-file": { type: "string" },
  json: { type: "boolean", default: false },
  layout: { type: "string", default: "isolated" },
  gateways: { type: "string" },
  soak: { type: "string" },
  help: { type: "boolean", short: "h", default: false },
} as const;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS }).values;
  } catch (error) {
    // parseArgs' own messages are good ("Unknown option '--x'"); add what the valid ones are.
    throw new StartupError(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
  }
}

/** Parses and validates the command line; throws a {@link StartupError} that says what to change. */
export function parseBenchArgs(argv: string[]): BenchOptions | "help" {
  const values = parseFlags(argv);
  if (values.help) return "help";
  const layout = layoutOf(values.layout);
  const queryFile = values["query-file"] === undefined ? undefined : resolve(values["query-file"]);
  return {
    durationSeconds: wholeNumber("--duration", values.duration, 10, { min: 1, max: 3600 }),
    warmupSeconds: wholeNumber("--warmup", values.warmup, 3, { min: 0, max: 600 }),
    connections: wholeNumber("--connections", values.connections, 32, { min: 1, max: 1000 }),
    rounds: wholeNumber("--rounds", values.rounds, 2, { min: 1, max: 50 }),
    scale:
      values.scale === undefined
        ? undefined
        : wholeNumber("--scale", values.scale, 1, { min: 1, max: 10_000 }),
    query: queryFile ? readQuery(queryFile) : DEFAULT_QUERY,
    queryFile,
    json: values.json,
    layout,
    ...soakOf(values.soak, values.gateways, layout),
  };
}

/** The soak's minutes and its one gateway, or the comparison's gateways when there is no soak. */
function soakOf(
  soak: string | undefined,
  gateways: string | undefined,
  layout: BenchLayout,
): Pick<BenchOptions, "soakMinutes" | "gateways"> {
  if (soak === undefined) return { gateways: gatewaysOf(gateways, layout) };
  if (layout !== "isolated") throw new StartupError("--soak runs in the isolated layout, which measures one gateway's own memory; leave out --layout shared.");
  const soakMinutes = wholeNumber("--soak", soak, 30, { min: 1, max: 24 * 60 });
  const chosen = gateways === undefined ? (["citygraph"] as const) : gatewaysOf(gateways, layout);
  if (chosen.length !== 1) throw new StartupError(`--soak measures one gateway; name one with --gateways (got ${JSON.stringify(gateways)}).`);
  return { soakMinutes, gateways: chosen };
}

function gatewaysOf(raw: string | undefined, layout: BenchLayout): readonly IsolatedGateway[] {
  if (raw === undefined) return ISOLATED_GATEWAYS;
  if (layout !== "isolated") throw new StartupError("--gateways chooses among the isolated layout's gateways; leave it out with --layout shared.");
  const names = raw.split(",").map((name) => name.trim());
  // An empty name ("", "apollo,,hive") is unknown too.
  if (names.some((name) => !(ISOLATED_GATEWAYS as readonly string[]).includes(name))) {
    throw new StartupError(`--gateways takes a comma-separated list of ${ISOLATED_GATEWAYS.join(", ")} (got ${JSON.stringify(raw)}).`);
  }
  // In the order the layout starts them, each once, whatever order they were given in.
  return ISOLATED_GATEWAYS.filter((name) => names.includes(name));
}

function layoutOf(raw: string): BenchLayout {
  if (raw === "isolated" || raw === "shared") return raw;
  throw new StartupError(`--layout must be isolated or shared (got ${JSON.stringify(raw)}).`);
}

function wholeNumber(
  flag: string,
  raw: string | undefined,
  fallback: number,
  range: { min: number; max: number },
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < range.min || value > range.max) {
    throw new StartupError(
      `${flag} must be a whole number from ${range.min} to ${range.max} (got ${JSON.stringify(raw)}).`,
    );
  }
  return value;
}

function readQuery(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    const reason = error instanceof Error && "code" in error ? String(error.code) : String(error);
    throw new StartupError(
      `--query-file: cannot read ${path} (${reason}). Give the path of a file holding one GraphQL query.`,
    );
  }
  if (text.trim() === "")
    throw new StartupError(`--query-file: ${path} is empty. Put one GraphQL query in it.`);
  return text.trim();
}
