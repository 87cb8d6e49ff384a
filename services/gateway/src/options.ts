import type { JWK } from "jose";
import { INTERNAL_TOKEN_TTL_SECONDS, StartupError, assertInternalTokenTtl, unreachable, type AnchorConfig, type KeySource, type Logger, type RolePolicy } from "@citygraph/core";
import type { DeniedFieldMode } from "./permissions/index.ts";
import type { ConsoleOptions } from "./console/index.ts";
import { normalizeOperationLimits, type NormalizedOperationLimits, type OperationLimitsOptions } from "./limits/index.ts";

/** Options of {@link createGateway}. */
export interface GatewayOptions {
  /** The composed supergraph SDL (`gateway/supergraph.graphql`, written by `citygraph compose`). */
  supergraphSdl: string;
  /**
   * Subgraph URLs by subgraph name, overriding the routing URLs recorded in the supergraph.
   * Default: none (use the supergraph's).
   */
  subgraphUrls?: Record<string, string>;
  /** Time allowed for one subgraph request, milliseconds. Default 10 000. */
  subgraphTimeoutMs?: number;
  /** Time allowed for one subgraph's readiness probe, milliseconds. Default 2 000. */
  readinessTimeoutMs?: number;
  /** Serve the GraphiQL explorer to browsers at the endpoint. Default true. */
  explorer?: boolean;
  /**
   * Operation budgets per principal kind (tokens, depth, aliases, directives, fields after fragment
   * expansion, estimated cost), judged before parsing and validation. Defaults: see
   * {@link OperationLimitsOptions}; anonymous callers get the tightest.
   */
  limits?: OperationLimitsOptions;
  /** Who may call: the identity provider's keys and the claims required of its tokens. */
  identity: {
    keys: KeySource;
    /** Required `iss`. Default: not checked. */
    issuer?: string;
    /** Required `aud`. Default: not checked. */
    audience?: string;
    /** Refuse callers without a token (otherwise anonymous: PUBLIC fields only). Default false. */
    requireAuthentication?: boolean;
    /** Longest lifetime (`exp - iat`) and age (since `iat`) of a token, seconds. Default 12 h. */
    maxTokenAgeSeconds?: number;
  };
  /** Roles that bundle scopes (the validated policy file). */
  roles: RolePolicy;
  /**
   * The gateway's private key (ES256 JWK with `kid`): signs ledger checkpoints, and each subgraph's
   * HS256 token key is derived from it (`deriveSubgraphTokenKey`).
   */
  signingKey: JWK;
  /**
   * Lifetime of the single-use token sent with each subgraph request, seconds (1–60;
   * `CITYGRAPH_GATEWAY_TOKEN_TTL`). Default 10.
   */
  subgraphTokenTtlSeconds?: number;
  /**
   * The governance database: agreements and API keys of third parties, quota counters (unless
   * Redis holds them). Without it the gateway admits no third parties.
   */
  governance?: {
    databaseUrl: string;
    /**
     * The gateway's own login as `citygraph_gateway` (`CITYGRAPH_GATEWAY_DATABASE_URL`): used with
     * no role switching, so nothing the session does can widen its rights; checked at start-up to
     * be that role and no superuser. Default: `databaseUrl`, switching to the role as each
     * connection opens (development; a `RESET ROLE` there would regain the login's rights).
     */
    gatewayDatabaseUrl?: string;
    /** Keep quota counters in Redis (shared by every instance). Default: PostgreSQL. */
    redisUrl?: string;
    /**
     * Where signed anchors of the chain head go after each group commit (`anchorConfigFromEnv`):
     * an append-only file, the audit office's database, or both. Default none (only checkpoints
     * inside the database, which its superuser can remove along with the entries).
     */
    anchors?: AnchorConfig;
    /**
     * The durable local spool for ledger entries without personal data while the database is
     * unreachable (`ledgerSpoolFromEnv`): an fsync'd append-only file, replayed in order when the
     * ledger returns. Default none: such entries are then lost in an outage (and logged).
     */
    spool?: { path: string; /** Default 67 108 864 (64 MiB). */ maxBytes?: number };
  };
  /**
   * The access ledger, kept in the governance database: every request is recorded, and a response
   * carrying personal data fails closed when its entry cannot be. Default `{ kind: "recorded" }`,
   * which needs `governance`; a gateway without it refuses to start.
   */
  ledger?: LedgerMode;
  /** Field-permission enforcement. */
  permissions?: {
    /** Check operations against field policies before planning. Default true (the benchmark turns it off). */
    enforce?: boolean;
    /** What happens to an operation with denied fields. Default "reject". */
    mode?: DeniedFieldMode;
    /** Let authenticated callers choose "filter" per request. Default true. */
    allowPerRequestMode?: boolean;
  };
  /** Serve the governance console at /console from its build. Default: not served. */
  console?: ConsoleOptions;
  log: Logger;
}

/** Whether the gateway records requests. */
export type LedgerMode =
  | { kind: "recorded" }
  /**
   * Nothing is recorded: for development and the benchmark (which measures the ledger's cost)
   * only. Warned about at start-up and reported by /readyz.
   */
  | { kind: "off"; acknowledged: "development only" };

/** {@link GatewayOptions} with every default applied. */
export type NormalizedGatewayOptions = Required<Omit<GatewayOptions, "permissions" | "governance" | "console" | "limits">> & {
  limits: NormalizedOperationLimits;
  governance?: GatewayOptions["governance"];
  console?: ConsoleOptions;
  permissions: Required<NonNullable<GatewayOptions["permissions"]>>;
};

/** Applies defaults and validates, failing start-up with a message that says what to change. */
export function normalizeGatewayOptions(options: GatewayOptions): NormalizedGatewayOptions {
  if (!options.supergraphSdl.includes("@link")) {
    throw new StartupError('The supergraph SDL is empty or not a supergraph. Run "citygraph compose" to write it.');
  }
  const normalized: NormalizedGatewayOptions = {
    supergraphSdl: options.supergraphSdl,
    subgraphUrls: options.subgraphUrls ?? {},
    subgraphTimeoutMs: options.subgraphTimeoutMs ?? 10_000,
    readinessTimeoutMs: options.readinessTimeoutMs ?? 2_000,
    explorer: options.explorer ?? true,
    limits: normalizeOperationLimits(options.limits),
    identity: options.identity,
    roles: options.roles,
    signingKey: options.signingKey,
    subgraphTokenTtlSeconds: options.subgraphTokenTtlSeconds ?? INTERNAL_TOKEN_TTL_SECONDS,
    governance: options.governance,
    ledger: options.ledger ?? { kind: "recorded" },
    console: options.console,
    permissions: {
      enforce: options.permissions?.enforce ?? true,
      mode: options.permissions?.mode ?? "reject",
      allowPerRequestMode: options.permissions?.allowPerRequestMode ?? true,
    },
    log: options.log,
  };
  switch (normalized.ledger.kind) {
    case "recorded":
      if (!normalized.governance?.databaseUrl) {
        throw new StartupError(
          "The gateway records every request in the access ledger, which lives in the governance database, and none is configured: " +
            "set DATABASE_URL_GOVERNANCE (or DATABASE_URL) to it. Turning the ledger off is for development only.",
        );
      }
      break;
    case "off":
      if (normalized.ledger.acknowledged !== "development only") {
        throw new StartupError('Turning the access ledger off must be acknowledged as "development only".');
      }
      normalized.log.warn("THE ACCESS LEDGER IS OFF: requests are not recorded. For development and benchmarks only.");
      break;
    default:
      unreachable(normalized.ledger, "ledger mode");
  }
  if (normalized.permissions.mode !== "reject" && normalized.permissions.mode !== "filter") {
    throw new StartupError(`Permission mode must be "reject" or "filter" (got ${JSON.stringify(normalized.permissions.mode)}).`);
  }
  if (!normalized.signingKey.d || !normalized.signingKey.kid) {
    throw new StartupError("The gateway signing key must be a private JWK with a kid (CITYGRAPH_GATEWAY_KEY_FILE).");
  }
  assertInternalTokenTtl(normalized.subgraphTokenTtlSeconds, "CITYGRAPH_GATEWAY_TOKEN_TTL (the subgraph token lifetime)");
  for (const [name, url] of Object.entries(normalized.subgraphUrls)) {
    try {
      new URL(url);
    } catch {
      throw new StartupError(`The URL given for subgraph "${name}" is not a URL: ${JSON.stringify(url)}.`);
    }
  }
  for (const key of ["subgraphTimeoutMs", "readinessTimeoutMs"] as const) {
    if (!Number.isInteger(normalized[key]) || normalized[key] < 1) {
      throw new StartupError(`Gateway option ${key} must be a positive whole number.`);
    }
  }
  return normalized;
}
