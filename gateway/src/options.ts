import type { JWK } from "jose";
import { StartupError, type KeySource, type Logger, type RolePolicy } from "@citygraph/core";
import type { DeniedFieldMode } from "./permissions/index.ts";

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
  /** Deepest nesting of fields an operation may have (introspection exempt). Default 12. */
  maxDepth?: number;
  /** Who may call: the identity provider's keys and the claims required of its tokens. */
  identity: {
    keys: KeySource;
    /** Required `iss`. Default: not checked. */
    issuer?: string;
    /** Required `aud`. Default: not checked. */
    audience?: string;
    /** Refuse callers without a token (otherwise anonymous: PUBLIC fields only). Default false. */
    requireAuthentication?: boolean;
  };
  /** Roles that bundle scopes (the validated policy file). */
  roles: RolePolicy;
  /** The gateway's private key (ES256 JWK with `kid`) for the tokens it sends subgraphs. */
  signingKey: JWK;
  /**
   * The governance database: agreements and API keys of third parties, quota counters (unless
   * Redis holds them). Without it the gateway admits no third parties.
   */
  governance?: {
    databaseUrl: string;
    /** Keep quota counters in Redis (shared by every instance). Default: PostgreSQL. */
    redisUrl?: string;
    /**
     * Append every request to the access ledger (and fail closed when a personal-data response
     * cannot be recorded). Default true; only the benchmark turns it off, to measure its cost.
     */
    ledger?: boolean;
  };
  /** Field-permission enforcement. */
  permissions?: {
    /** Check operations against field policies before planning. Default true (the benchmark turns it off). */
    enforce?: boolean;
    /** What happens to an operation with denied fields. Default "reject". */
    mode?: DeniedFieldMode;
    /** Let authenticated callers choose "filter" per request. Default true. */
    allowPerRequestMode?: boolean;
  };
  log: Logger;
}

/** {@link GatewayOptions} with every default applied. */
export type NormalizedGatewayOptions = Required<Omit<GatewayOptions, "permissions" | "governance">> & {
  governance?: GatewayOptions["governance"];
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
    maxDepth: options.maxDepth ?? 12,
    identity: options.identity,
    roles: options.roles,
    signingKey: options.signingKey,
    governance: options.governance,
    permissions: {
      enforce: options.permissions?.enforce ?? true,
      mode: options.permissions?.mode ?? "reject",
      allowPerRequestMode: options.permissions?.allowPerRequestMode ?? true,
    },
    log: options.log,
  };
  if (normalized.permissions.mode !== "reject" && normalized.permissions.mode !== "filter") {
    throw new StartupError(`Permission mode must be "reject" or "filter" (got ${JSON.stringify(normalized.permissions.mode)}).`);
  }
  if (!normalized.signingKey.d || !normalized.signingKey.kid) {
    throw new StartupError("The gateway signing key must be a private JWK with a kid (CITYGRAPH_GATEWAY_KEY_FILE).");
  }
  for (const [name, url] of Object.entries(normalized.subgraphUrls)) {
    try {
      new URL(url);
    } catch {
      throw new StartupError(`The URL given for subgraph "${name}" is not a URL: ${JSON.stringify(url)}.`);
    }
  }
  for (const key of ["subgraphTimeoutMs", "readinessTimeoutMs", "maxDepth"] as const) {
    if (!Number.isInteger(normalized[key]) || normalized[key] < 1) {
      throw new StartupError(`Gateway option ${key} must be a positive whole number.`);
    }
  }
  return normalized;
}
