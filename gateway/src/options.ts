import { StartupError, type Logger } from "@citygraph/core";

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
  log: Logger;
}

/** {@link GatewayOptions} with every default applied. */
export type NormalizedGatewayOptions = Required<GatewayOptions>;

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
    log: options.log,
  };
  for (const [name, url] of Object.entries(normalized.subgraphUrls)) {
    try {
      new URL(url);
    } catch {
      throw new StartupError(`The URL given for subgraph "${name}" is not a URL: ${JSON.stringify(url)}.`);
    }
  }
  for (const key of ["subgraphTimeoutMs", "readinessTimeoutMs"] as const) {
    if (!Number.isInteger(normalized[key]) || normalized[key] < 1) {
      throw new StartupError(`Gateway option ${key} must be a positive whole number of milliseconds.`);
    }
  }
  return normalized;
}
