import { StartupError } from "./errors.ts";

/** The subgraphs of the platform, in start-up order. Each owns the PostgreSQL schema of its name. */
export const SUBGRAPH_NAMES = ["registry", "health", "transport", "education", "enterprise", "governance"] as const;

/** One of {@link SUBGRAPH_NAMES}. */
export type SubgraphName = (typeof SUBGRAPH_NAMES)[number];

/** Port a subgraph listens on unless `<NAME>_PORT` says otherwise: 4001.. in start-up order. */
export function defaultSubgraphPort(name: SubgraphName): number {
  return 4001 + SUBGRAPH_NAMES.indexOf(name);
}

/**
 * Where a subgraph's data lives: `DATABASE_URL_<NAME>` (a department running its own server), else
 * `DATABASE_URL`, else undefined (the caller falls back to embedded PostgreSQL).
 */
export function databaseUrlFromEnv(name: SubgraphName, env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env[`DATABASE_URL_${name.toUpperCase()}`] || env.DATABASE_URL || undefined;
}

/** Reads an integer environment variable, failing start-up with a clear message when it is not one. */
export function intFromEnv(
  key: string,
  fallback: number,
  range: { min: number; max: number },
  env: NodeJS.ProcessEnv = process.env,
): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < range.min || value > range.max) {
    throw new StartupError(`${key}=${JSON.stringify(raw)} is invalid: use a whole number from ${range.min} to ${range.max}.`);
  }
  return value;
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

/**
 * Reads the anchor sinks from the environment; `defaultFile` (e.g. under .data for `npm start`)
 * applies when `CITYGRAPH_ANCHOR_FILE` is unset. `CITYGRAPH_ANCHOR_FILE=off` turns the file off.
 */
export function anchorConfigFromEnv(defaultFile?: string, env: NodeJS.ProcessEnv = process.env): AnchorConfig {
  const fileSetting = env.CITYGRAPH_ANCHOR_FILE;
  const file = fileSetting === "off" ? undefined : fileSetting || defaultFile;
  const databaseUrl = env.CITYGRAPH_ANCHOR_DATABASE_URL || undefined;
  if (databaseUrl) assertPostgresUrl("CITYGRAPH_ANCHOR_DATABASE_URL", databaseUrl);
  const fileMaxBytes = intFromEnv("CITYGRAPH_ANCHOR_FILE_MAX_BYTES", 64 * 1024 * 1024, { min: 1024, max: 2 ** 40 }, env);
  return { file, fileMaxBytes, databaseUrl };
}

/**
 * The gateway's ledger spool (`CITYGRAPH_LEDGER_SPOOL_FILE`, default `defaultFile`; `off` disables
 * it) and its bound (`CITYGRAPH_LEDGER_SPOOL_MAX_BYTES`, default 64 MiB).
 */
export function ledgerSpoolFromEnv(defaultFile: string, env: NodeJS.ProcessEnv = process.env): { path: string; maxBytes: number } | undefined {
  const setting = env.CITYGRAPH_LEDGER_SPOOL_FILE;
  if (setting === "off") return undefined;
  const maxBytes = intFromEnv("CITYGRAPH_LEDGER_SPOOL_MAX_BYTES", 64 * 1024 * 1024, { min: 1024, max: 2 ** 40 }, env);
  return { path: setting || defaultFile, maxBytes };
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

/**
 * Reads the observability settings of one process.
 * @param service the process's own name (`citygraph`, `gateway`, a subgraph's name).
 * @param defaultOpsPort the operations port unless `CITYGRAPH_OPS_PORT` says otherwise.
 */
export function observabilityFromEnv(service: string, defaultOpsPort: number, env: NodeJS.ProcessEnv = process.env): ObservabilityConfig {
  const endpoint = env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
  if (endpoint) {
    let url: URL | undefined;
    try {
      url = new URL(endpoint);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== "http:" && url.protocol !== "https:")) {
      throw new StartupError(`OTEL_EXPORTER_OTLP_ENDPOINT=${JSON.stringify(endpoint)} is not an http(s) URL: use e.g. http://127.0.0.1:4318.`);
    }
  }
  const host = env.CITYGRAPH_OPS_HOST || "127.0.0.1";
  const ops =
    env.CITYGRAPH_OPS_PORT === "off"
      ? ({ kind: "off" } as const)
      : ({ kind: "listen", host, port: intFromEnv("CITYGRAPH_OPS_PORT", defaultOpsPort, { min: 0, max: 65535 }, env) } as const);
  return { serviceName: env.OTEL_SERVICE_NAME || service, otlpEndpoint: endpoint, ops };
}
