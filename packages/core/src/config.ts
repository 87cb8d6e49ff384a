import { StartupError } from "./errors.ts";

// Names and shapes shared by every layer; reading them from the environment is the app's
// configuration module's job (apps/platform/src/config.ts).

/** The subgraphs of the platform, in start-up order. Each owns the PostgreSQL schema of its name. */
export const SUBGRAPH_NAMES = ["registry", "health", "transport", "education", "enterprise", "governance"] as const;

/** One of {@link SUBGRAPH_NAMES}. */
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Port a subgraph listens on unless `<NAME>_PORT` says otherwise: 4001.. in start-up order. */
export function defaultSubgraphPort(name: SubgraphName): number {
  return 4001 + SUBGRAPH_NAMES.indexOf(name);
}

/** Checks a connection string early, so a typo fails start-up rather than the first query. */
export function assertPostgresUrl(key: string, url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new StartupError(`${key} is not a URL: expected postgresql://user@host:5432/database.`);
  }
  if (parsed.protocol !== "postgresql:" && parsed.protocol !== "postgres:") {
    throw new StartupError(`${key} must start with postgresql:// (got ${parsed.protocol}//).`);
  }
}

/** Where the gateway publishes the ledger's signed anchors (see README § The access ledger). */
export interface AnchorConfig {
  /** `CITYGRAPH_ANCHOR_FILE`: the append-only anchor file (first segment). */
  file?: string;
  /** `CITYGRAPH_ANCHOR_FILE_MAX_BYTES`: size at which a segment is closed and the next begun. */
  fileMaxBytes?: number;
  /** `CITYGRAPH_ANCHOR_DATABASE_URL`: the audit office's database, as its anchor writer role. */
  databaseUrl?: string;
}

/** How a process reports on itself: traces (OpenTelemetry) and the operations port (metrics). */
export interface ObservabilityConfig {
  /** `service.name` of this process's spans (`OTEL_SERVICE_NAME`, else the service's own name). */
  serviceName: string;
  /** OTLP/HTTP endpoint for traces (`OTEL_EXPORTER_OTLP_ENDPOINT`); undefined: tracing off, at no cost. */
  otlpEndpoint?: string;
  /** Operations port (`CITYGRAPH_OPS_HOST`, `CITYGRAPH_OPS_PORT`; `off` disables it). */
  ops: { kind: "off" } | { kind: "listen"; host: string; port: number };
}
