// Subpaths, not the kit's barrel: every command loads this module first, `citygraph help` too.
import { StartupError } from "@citygraph/core/errors";
import { assertPostgresUrl, type AnchorConfig, type ObservabilityConfig, type SubgraphName } from "@citygraph/core/config";
import { LOG_LEVELS, parseLogLevel, type LogLevel } from "@citygraph/core/log";

/**
 * Every environment variable citygraph reads: the README's Configuration table, which a test keeps
 * equal to this list. `<NAME>` stands for a subgraph's name in capitals (`DATABASE_URL_HEALTH`).
 * Nothing else in apps/, services/ or packages/ touches `process.env` (a lint rule): services get
 * complete option objects from here.
 */
export const VARIABLES = [
  "PORT",
  "HOST",
  "DATABASE_URL",
  "DATABASE_URL_<NAME>",
  "CITYGRAPH_EMBEDDED_PG_PORT",
  "CITYGRAPH_DATA_DIR",
  "CITYGRAPH_SUPERGRAPH",
  "LOG_LEVEL",
  "CITYGRAPH_JWKS_URL",
  "CITYGRAPH_JWKS_FILE",
  "CITYGRAPH_JWT_ISSUER",
  "CITYGRAPH_JWT_AUDIENCE",
  "CITYGRAPH_OIDC_ISSUER",
  "CITYGRAPH_OIDC_CLIENT_ID",
  "CITYGRAPH_OIDC_SCOPE",
  "CITYGRAPH_CHROMIUM",
  "CITYGRAPH_REQUIRE_AUTH",
  "CITYGRAPH_DENIED_FIELDS",
  "CITYGRAPH_PER_REQUEST_MODE",
  "CITYGRAPH_POLICY_FILE",
  "CITYGRAPH_GATEWAY_KEY_FILE",
  "CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE",
  "CITYGRAPH_ANCHOR_FILE",
  "CITYGRAPH_GATEWAY_DATABASE_URL",
  "CITYGRAPH_LEDGER_SPOOL_FILE",
  "CITYGRAPH_LEDGER_SPOOL_MAX_BYTES",
  "CITYGRAPH_ANCHOR_FILE_MAX_BYTES",
  "CITYGRAPH_ANCHOR_DATABASE_URL",
  "CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE",
  "CITYGRAPH_GATEWAY_TOKEN_TTL",
  "CITYGRAPH_MAX_TOKEN_AGE",
  "SUBGRAPH_URL_<NAME>",
  "<NAME>_PORT",
  "REDIS_URL",
  "CITYGRAPH_CURSOR_KEY",
  "CITYGRAPH_OPS_HOST",
  "CITYGRAPH_GATEWAY_WORKERS",
  "CITYGRAPH_OPS_PORT",
  "OTEL_EXPORTER_OTLP_ENDPOINT",
  "OTEL_SERVICE_NAME",
  "CITYGRAPH_URL",
  "CITYGRAPH_TOKEN",
  "PRISMA_SCHEMA_ENGINE_BINARY",
] as const;

/** Set by citygraph for processes it starts itself, never by an operator (so not in the README). */
export const INTERNAL_VARIABLES = [
  /** Which worker of a multi-process gateway this is (its ledger spool file). */
  "CITYGRAPH_GATEWAY_WORKER_SLOT",
  /** The digest and expiry of `citygraph start`'s one-time console sign-in link. */
  "CITYGRAPH_CONSOLE_SIGNIN",
] as const;

type Expand<T extends string> = T extends `${infer Head}<NAME>${infer Tail}` ? `${Head}${Uppercase<SubgraphName>}${Tail}` : T;

/** The name of a variable citygraph reads; any other name does not compile. */
export type VariableName = Expand<(typeof VARIABLES)[number] | (typeof INTERNAL_VARIABLES)[number]>;

/** Variables as given: the process's environment, or an object in tests. */
export type EnvironmentSource = Readonly<Record<string, string | undefined>>;

const UPPER: Record<SubgraphName, Uppercase<SubgraphName>> = {
  registry: "REGISTRY",
  health: "HEALTH",
  transport: "TRANSPORT",
  education: "EDUCATION",
  enterprise: "ENTERPRISE",
  governance: "GOVERNANCE",
};

/** A subgraph's name as it appears in its variables (`HEALTH` in `DATABASE_URL_HEALTH`). */
export function upperName(name: SubgraphName): Uppercase<SubgraphName> {
  return UPPER[name];
}

/** Read access to an environment, by registered name only. */
export class Environment {
  constructor(private readonly source: EnvironmentSource) {}

  /** The variable's value; unset and empty both read as undefined. */
  get(name: VariableName): string | undefined {
    const value = this.source[name];
    return value === undefined || value === "" ? undefined : value;
  }

  /** An integer variable, `fallback` when unset; start-up fails naming the variable when it is not one in `range`. */
  int(name: VariableName, fallback: number, range: { min: number; max: number }): number {
    const raw = this.get(name);
    if (raw === undefined) return fallback;
    // Digits only: Number() would also take "0x1130", "1e3" and " 4400".
    const value = /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (!Number.isInteger(value) || value < range.min || value > range.max) {
      throw new StartupError(`${name}=${JSON.stringify(raw)} is invalid: use a whole number from ${range.min} to ${range.max}.`);
    }
    return value;
  }

  /** The environment a child process starts with: this one plus `overrides`. */
  forChild(overrides: Record<string, string>): Record<string, string | undefined> {
    return { ...this.source, ...overrides };
  }
}

/** The environment of this process. */
export function processEnvironment(): Environment {
  return new Environment(process.env);
}

/** `source` as an {@link Environment}; the process's own by default. */
export function environmentOf(source: Environment | EnvironmentSource = process.env): Environment {
  return source instanceof Environment ? source : new Environment(source);
}

/** `LOG_LEVEL`, default `info`; start-up fails on a level that does not exist. */
export function logLevelFromEnv(source?: Environment | EnvironmentSource): LogLevel {
  const raw = environmentOf(source).get("LOG_LEVEL");
  if (raw === undefined) return "info";
  const level = parseLogLevel(raw);
  if (!level) throw new StartupError(`LOG_LEVEL=${JSON.stringify(raw)} is not a level: use one of ${LOG_LEVELS.join(", ")}.`);
  return level;
}

/**
 * Where a subgraph's data lives: `DATABASE_URL_<NAME>` (a department running its own server), else
 * `DATABASE_URL`, else undefined (the caller falls back to embedded PostgreSQL).
 */
export function databaseUrlFromEnv(name: SubgraphName, source?: Environment | EnvironmentSource): string | undefined {
  const env = environmentOf(source);
  return env.get(`DATABASE_URL_${upperName(name)}`) ?? env.get("DATABASE_URL");
}

/**
 * Reads the anchor sinks from the environment; `defaultFile` (e.g. under .data for `npm start`)
 * applies when `CITYGRAPH_ANCHOR_FILE` is unset. `CITYGRAPH_ANCHOR_FILE=off` turns the file off.
 */
export function anchorConfigFromEnv(defaultFile?: string, source?: Environment | EnvironmentSource): AnchorConfig {
  const env = environmentOf(source);
  const fileSetting = env.get("CITYGRAPH_ANCHOR_FILE");
  const file = fileSetting === "off" ? undefined : (fileSetting ?? defaultFile);
  const databaseUrl = env.get("CITYGRAPH_ANCHOR_DATABASE_URL");
  if (databaseUrl) assertPostgresUrl("CITYGRAPH_ANCHOR_DATABASE_URL", databaseUrl);
  const fileMaxBytes = env.int("CITYGRAPH_ANCHOR_FILE_MAX_BYTES", 64 * 1024 * 1024, { min: 1024, max: 2 ** 40 });
  return { file, fileMaxBytes, databaseUrl };
}

/**
 * The gateway's ledger spool (`CITYGRAPH_LEDGER_SPOOL_FILE`, default `defaultFile`; `off` disables
 * it) and its bound (`CITYGRAPH_LEDGER_SPOOL_MAX_BYTES`, default 64 MiB).
 */
export function ledgerSpoolFromEnv(defaultFile: string, source?: Environment | EnvironmentSource): { path: string; maxBytes: number } | undefined {
  const env = environmentOf(source);
  const setting = env.get("CITYGRAPH_LEDGER_SPOOL_FILE");
  if (setting === "off") return undefined;
  const maxBytes = env.int("CITYGRAPH_LEDGER_SPOOL_MAX_BYTES", 64 * 1024 * 1024, { min: 1024, max: 2 ** 40 });
  return { path: setting ?? defaultFile, maxBytes };
}

/**
 * Reads the observability settings of one process.
 * @param service the process's own name (`citygraph`, `gateway`, a subgraph's name).
 * @param defaultOpsPort the operations port unless `CITYGRAPH_OPS_PORT` says otherwise.
 */
export function observabilityFromEnv(service: string, defaultOpsPort: number, source?: Environment | EnvironmentSource): ObservabilityConfig {
  const env = environmentOf(source);
  const endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT");
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
  const host = env.get("CITYGRAPH_OPS_HOST") ?? "127.0.0.1";
  const ops =
    env.get("CITYGRAPH_OPS_PORT") === "off"
      ? ({ kind: "off" } as const)
      : ({ kind: "listen", host, port: env.int("CITYGRAPH_OPS_PORT", defaultOpsPort, { min: 0, max: 65535 }) } as const);
  return { serviceName: env.get("OTEL_SERVICE_NAME") ?? service, otlpEndpoint: endpoint, ops };
}
