import { StartupError, createLogger, defaultSubgraphPort, type LedgerAuditOptions, type SubgraphDefinition } from "@citygraph/core";
import { anchorConfigFromEnv, databaseUrlFromEnv, observabilityFromEnv, processEnvironment, upperName, type Environment } from "./config.ts";
import { defaultOpsPort, stopOnSignals } from "./lifecycle.ts";
import { startObservability } from "./observability.ts";
import { listenExplained } from "./ports.ts";
import { checkpointKeysFromEnv, cursorKeyFromEnv, gatewayPublicKeyFromEnv, subgraphTokenKeyFromEnv } from "./security.ts";
import { defaultAnchorFile } from "./paths.ts";

export { SUBGRAPH_LOADERS } from "./subgraph-loaders.ts";

/**
 * Runs one subgraph as its own process (one department's deployment): `DATABASE_URL_<NAME>` or
 * `DATABASE_URL`, `<NAME>_PORT` (default 4001..), `HOST`, `CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE`, `REDIS_URL`.
 */
export async function serveSubgraph(definition: SubgraphDefinition): Promise<void> {
  const env = processEnvironment();
  const upper = upperName(definition.name);
  const databaseUrl = databaseUrlFromEnv(definition.name, env);
  if (!databaseUrl) {
    throw new StartupError(`Set DATABASE_URL_${upper} (or DATABASE_URL) to run the ${definition.name} subgraph on its own.`);
  }
  const port = env.int(`${upper}_PORT`, defaultSubgraphPort(definition.name), { min: 0, max: 65535 });
  const log = createLogger({ service: definition.name });
  const onStop = stopOnSignals(log);
  const observability = await startObservability(observabilityFromEnv(definition.name, defaultOpsPort(definition.name), env), log);
  const app = await definition.create({
    databaseUrl,
    log,
    gatewayTokenKey: await subgraphTokenKeyFromEnv(definition.name, env),
    redisUrl: env.get("REDIS_URL"),
    supergraphPath: env.get("CITYGRAPH_SUPERGRAPH"),
    ledgerAudit: definition.name === "governance" ? await ledgerAuditFromEnv(databaseUrl, env) : undefined,
    // A subgraph given its own token key file is a production deployment: it needs the shared cursor key.
    cursorKey: await cursorKeyFromEnv(env, Boolean(env.get("CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE") || env.get("CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE"))),
  });
  const host = env.get("HOST") ?? "127.0.0.1";
  const server = await listenExplained(() => app.listen(port, host), port, host, `${upper}_PORT`);
  log.info("listening", { url: server.url, metrics: observability.metricsUrl, traces: observability.tracesTo ?? "off" });
  onStop(async () => {
    await app.close();
    await observability.stop();
  });
}


/**
 * What the governance subgraph verifies the ledger with: the gateway's public key(s)
 * (`CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`; in development, without a token key file, the development
 * key) and the anchor sinks the gateway publishes to. None in production without the key file.
 */
async function ledgerAuditFromEnv(governanceUrl: string, env: Environment): Promise<LedgerAuditOptions | undefined> {
  const production = Boolean(env.get("CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE"));
  const checkpointKeys = checkpointKeysFromEnv(env) ?? (production ? undefined : [await gatewayPublicKeyFromEnv(env)]);
  return checkpointKeys && { checkpointKeys, anchors: anchorConfigFromEnv(defaultAnchorFile(governanceUrl), env) };
}
