/**
 * The benchmark's servers, in a child process of their own so that the load generator and the
 * servers never share an event loop. This file is both sides of that arrangement: the parent calls
 * {@link startBenchServices}, which forks this same file; run as that child, it starts the servers
 * and reports the scenarios they serve.
 */
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  ANONYMOUS,
  createIdentityVerifier,
  createLogger,
  signDevToken,
  StartupError,
  type AnchorConfig,
  type Logger,
  type Principal,
  type SubgraphName,
} from "@citygraph/core";
import {
  REPO_ROOT,
  securityFromEnv,
  startServices,
  type RunningServices,
  type SecurityConfig,
} from "@citygraph/platform";
import { loadSupergraph, subgraphUrlsOf } from "@citygraph/supergraph";
import { startBaselineGateway } from "./baseline.ts";
import { startProcesses, startTraceSink, type RunningProcesses } from "./processes.ts";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

/**
 * One thing the benchmark measures: a GraphQL endpoint, and which other scenario it is compared
 * with. A comparison is a pair measured in the same run (e.g. "permissions on" against
 * "permissions off"); to add one, start its server in {@link startTargets} and list it there.
 */
export interface Scenario {
  /** Short name for the report, unique in a run. */
  name: string;
  /** What serves it, in a few words. */
  description: string;
  /** GraphQL endpoint the load is POSTed to. */
  url: string;
  /** Headers every request carries (the caller's credentials). */
  headers: Record<string, string>;
  /** Names of the scenarios this one is divided by in the ratios; none for a pure baseline. */
  baselines?: string[];
  /**
   * The process serving it alone (the isolated layout): its CPU time and memory, descendants
   * included, are measured with each run. Undefined where servers share a process.
   */
  pid?: number;
}

/** Options of {@link startBenchServices}. */
export interface BenchServicesOptions {
  /** Database URL of each subgraph (migrated and seeded). */
  databaseUrls: Record<SubgraphName, string>;
  /** Pooled database connections per subgraph. Default 10, as `citygraph start`. */
  poolSize?: number;
  /** Time allowed for every server to start, milliseconds. Default 120 000. */
  startTimeoutMs?: number;
  /**
   * Called when the child exits without having been asked to (a crash, an OOM kill): whatever is
   * being measured at that moment measures a dead server.
   */
  onUnexpectedExit?: (description: string) => void;
  /** Abandons the start-up: the child is killed and the start rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The running child, seen from the parent. */
export interface BenchServices {
  /** What the child serves, in the order to measure it. */
  scenarios: Scenario[];
  /** Asks the child to stop its servers and waits for it to exit (killing it after 10 s). Idempotent. */
  stop(): Promise<void>;
  /** Kills the child at once. Synchronous, so that a signal handler can rely on it. */
  kill(): void;
}

type ParentMessage =
  { type: "start"; databaseUrls: Record<SubgraphName, string>; poolSize?: number } | { type: "stop" };
type ChildMessage = { type: "ready"; scenarios: Scenario[] } | { type: "failed"; message: string };

const CHILD_PATH = fileURLToPath(import.meta.url);
const STOP_TIMEOUT_MS = 10_000;
const CHILD_STOP_BUDGET_MS = 5_000;

/** Forks the child, has it start every server, and resolves once they all listen. */
export async function startBenchServices(options: BenchServicesOptions): Promise<BenchServices> {
  const child = fork(CHILD_PATH, [], {
    cwd: REPO_ROOT,
    // Explicit rather than inherited: a parent started with --inspect must not pass it on.
    execArgv: ["--import", "tsx"],
    // The child's stdout goes to our stderr: stdout carries only the report (--json must parse).
    stdio: ["ignore", 2, 2, "ipc"],
    // Its own process group, so a terminal's Ctrl-C reaches only the parent, which then stops the
    // child itself; the child also exits when the IPC channel closes, so it cannot outlive us.
    detached: true,
  });
  let exitRequested = false;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      if (!exitRequested) options.onUnexpectedExit?.(describeExit(code, signal));
      resolve();
    });
  });
  const kill = () => {
    exitRequested = true;
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  };
  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      exitRequested = true;
      if (child.connected) child.send({ type: "stop" } satisfies ParentMessage);
      const timer = setTimeout(kill, STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    })());

  try {
    const scenarios = await waitForReady(child, options);
    return { scenarios, stop, kill };
  } catch (error) {
    kill();
    await exited;
    throw error;
  }
}

function waitForReady(child: ChildProcess, options: BenchServicesOptions): Promise<Scenario[]> {
  const timeoutMs = options.startTimeoutMs ?? 120_000;
  return new Promise<Scenario[]>((resolve, reject) => {
    const timer = setTimeout(
      () =>
        reject(
          new StartupError(
            `The benchmark's servers did not start within ${timeoutMs / 1000} s; see their messages above.`,
          ),
        ),
      timeoutMs,
    );
    const onMessage = (message: ChildMessage) => {
      cleanup();
      if (message.type === "ready") resolve(message.scenarios);
      else reject(new StartupError(`The benchmark's servers failed to start: ${message.message}`));
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      cleanup();
      reject(
        new StartupError(
          `The benchmark's servers ${describeExit(code, signal)} while starting; see their messages above.`,
        ),
      );
    };
    const onAbort = () => {
      cleanup();
      reject(options.signal?.reason);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.off("message", onMessage);
      child.off("exit", onExit);
      options.signal?.removeEventListener("abort", onAbort);
    };
    if (options.signal?.aborted) return onAbort();
    child.on("message", onMessage);
    child.once("exit", onExit);
    options.signal?.addEventListener("abort", onAbort, { once: true });
    child.send({
      type: "start",
      databaseUrls: options.databaseUrls,
      poolSize: options.poolSize,
    } satisfies ParentMessage);
  });
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `were killed by ${signal}` : `exited with code ${code}`;
}

/** The servers the child runs, and how to stop them. */
interface Targets {
  scenarios: Scenario[];
  stop(): Promise<void>;
}

/**
 * Starts every subgraph and citygraph's gateway through `startServices` (what `citygraph start`
 * runs, with the same security settings), and the baseline gateway in front of the very same
 * subgraph servers, over the same supergraph. Every port is picked by the system, so a running
 * `npm start` is no obstacle.
 */
async function startTargets(
  databaseUrls: Record<SubgraphName, string>,
  poolSize: number | undefined,
  log: Logger,
): Promise<Targets> {
  const supergraphSdl = loadSupergraph();
  const security = await securityFromEnv();
  const start = (enforcePermissions: boolean, ledger: boolean, anchors?: AnchorConfig) =>
    startServices({ databaseUrls, port: 0, subgraphPort: () => 0, poolSize, security, enforcePermissions, ledger, anchors, log });
  // As shipped: the ledger publishes signed anchors to an append-only file after each group commit.
  const anchorDir = mkdtempSync(join(tmpdir(), "citygraph-bench-anchors-"));
  const services = await start(true, true, { file: join(anchorDir, "anchors.jsonl"), fileMaxBytes: 64 * 1024 * 1024 });
  // The same platform with the permission layer and the ledger off (subgraph token checks stay):
  // with "ledger-off" (permissions on), the pair that measures what permissions cost.
  let unguarded: Awaited<ReturnType<typeof startServices>> | undefined;
  // ... and with the access ledger off (permissions on): the baseline of the ledger's cost.
  let unrecorded: Awaited<ReturnType<typeof startServices>> | undefined;
  // ... and as `citygraph start` runs it: one process per service, one gateway worker per core.
  let processes: RunningProcesses | undefined;
  // ... and the same with OpenTelemetry tracing on, exporting every span to a local sink.
  let traced: RunningProcesses | undefined;
  const sink = await startTraceSink();
  try {
    unguarded = await start(false, false);
    unrecorded = await start(true, false);
    processes = await startProcesses(databaseUrls);
    traced = await startProcesses(databaseUrls, { tracesTo: sink.url });
    const subgraphUrls = startedSubgraphUrls(supergraphSdl, services);
    const caller = await benchCaller(security, Object.keys(subgraphUrls));
    const baseline = await startBaselineGateway({
      supergraphSdl,
      subgraphUrls,
      signingKey: security.gatewayKeys.privateJwk,
      principal: caller.principal,
    });
    return {
      scenarios: [
        {
          name: "baseline",
          description: `plain @apollo/gateway with Apollo's defaults, ${caller.description}`,
          url: baseline.url,
          headers: caller.headers,
        },
        {
          name: "permissions-off",
          description: `citygraph with field permissions (gateway and subgraphs) and the ledger off, ${caller.description}`,
          url: unguarded.gatewayUrl,
          headers: caller.headers,
          baselines: ["baseline"],
        },
        {
          name: "ledger-off",
          description: `citygraph with the access ledger off (permissions on), ${caller.description}`,
          url: unrecorded.gatewayUrl,
          headers: caller.headers,
          baselines: ["baseline", "permissions-off"],
        },
        {
          name: "citygraph",
          description: `citygraph as shipped (permissions on, every request in the ledger, anchors to a file), ${caller.description}`,
          url: services.gatewayUrl,
          headers: caller.headers,
          baselines: ["baseline", "ledger-off"],
        },
        {
          name: "processes",
          description: `citygraph as shipped, as \`citygraph start\` runs it: each subgraph its own process, ${processes.workers} gateway workers, ${caller.description}`,
          url: processes.gatewayUrl,
          headers: caller.headers,
          baselines: ["baseline", "citygraph"],
        },
        {
          name: "traced",
          description: `as "processes", with OpenTelemetry tracing on in every process (spans exported over OTLP/HTTP to a local sink), ${caller.description}`,
          url: traced.gatewayUrl,
          headers: caller.headers,
          baselines: ["processes"],
        },
      ],
      stop: async () => {
        await traced?.stop();
        await processes?.stop();
        await sink.stop();
        await baseline.stop();
        // A subgraph's close() drops only the connections idle at that moment; one still busy
        // would hold it open for the 65 s keep-alive timeout after its response. The load is over
        // and has settled (see settle() in load.ts), and the gateways are gone: drop them all.
        for (const running of [services, unguarded!, unrecorded!]) {
          for (const { server } of Object.values(running.subgraphs)) server.server.closeAllConnections();
          await running.stop();
        }
      },
    };
  } catch (error) {
    await services.stop().catch(() => undefined);
    await unguarded?.stop().catch(() => undefined);
    await unrecorded?.stop().catch(() => undefined);
    await processes?.stop().catch(() => undefined);
    await traced?.stop().catch(() => undefined);
    await sink.stop().catch(() => undefined);
    throw error;
  }
}

/** Who the load runs as: its request headers, the principal the gateway derives from them. */
export interface BenchCaller {
  headers: Record<string, string>;
  principal: Principal;
  description: string;
}

/**
 * A development user holding the sensitive scope of every owner (every subgraph of the
 * supergraph), signed by the development identity provider, so that the query's fields are all
 * readable and every permission check runs to the end; an anonymous caller when a real identity
 * provider is configured. The principal comes from the gateway's own verifier, so the baseline's
 * subgraph tokens grant exactly what citygraph's do.
 */
export async function benchCaller(security: SecurityConfig, owners: string[]): Promise<BenchCaller> {
  const idp = security.devIdentityProvider;
  if (!idp) {
    const description = "anonymous caller (a real identity provider is configured)";
    return { headers: {}, principal: ANONYMOUS, description };
  }
  const token = await signDevToken(idp.privateJwk, {
    subject: "bench",
    scopes: owners.map((owner) => `${owner}:sensitive`),
    issuer: security.identity.issuer,
    audience: security.identity.audience,
    ttl: "6h", // within CITYGRAPH_MAX_TOKEN_AGE (12 h by default)
  });
  const authorization = `Bearer ${token}`;
  const verify = createIdentityVerifier({ ...security.identity, roles: security.roles, owners });
  return {
    headers: { authorization },
    principal: await verify(authorization),
    description: "a development user with every sensitive scope",
  };
}

/**
 * The URL each subgraph of the supergraph got in this process. A subgraph the supergraph names but
 * the platform did not start is an error: falling back to the supergraph's recorded URL would send
 * the baseline's load to whatever else listens there (a developer's `npm start`).
 */
function startedSubgraphUrls(supergraphSdl: string, services: RunningServices): Record<string, string> {
  const started = services.subgraphs as Partial<Record<string, RunningServices["subgraphs"][SubgraphName]>>;
  const urls: Record<string, string> = {};
  for (const name of Object.keys(subgraphUrlsOf(supergraphSdl))) {
    const url = started[name]?.server.url;
    if (!url) {
      throw new StartupError(
        `The supergraph routes to subgraph "${name}", which the platform does not run (subgraphs/index.ts). ` +
          `Run "citygraph compose" to rewrite the supergraph from the subgraphs that exist.`,
      );
    }
    urls[name] = url;
  }
  return urls;
}

/** The child's side: start on the parent's word, stop on its word or when it goes away. */
function serveChild(): void {
  const log = createLogger({ service: "bench" }, "warn");
  let starting: Promise<Targets | undefined> | undefined;
  let stopping = false;
  const stopAndExit = async () => {
    if (stopping) return;
    stopping = true;
    // Exiting releases whatever a stuck close() holds; the parent kills us at STOP_TIMEOUT_MS anyway.
    const forced = setTimeout(() => process.exit(0), CHILD_STOP_BUDGET_MS);
    const targets = await starting;
    await targets
      ?.stop()
      .catch((e: unknown) => log.error("stopping the benchmark's servers failed", { error: String(e) }));
    clearTimeout(forced);
    process.exit(0);
  };
  process.on("message", (message: ParentMessage) => {
    if (message.type === "stop") {
      void stopAndExit();
    } else if (message.type === "start" && !starting) {
      starting = startTargets(message.databaseUrls, message.poolSize, log).then(
        (targets) => {
          process.send?.({ type: "ready", scenarios: targets.scenarios } satisfies ChildMessage);
          return targets;
        },
        (error: unknown) => {
          // Start-up errors are meant for the operator; anything else is a bug worth its stack.
          const operatorFacing = error instanceof Error && error.name === "StartupError";
          const text =
            error instanceof Error
              ? operatorFacing
                ? error.message
                : (error.stack ?? error.message)
              : String(error);
          process.send?.({ type: "failed", message: text } satisfies ChildMessage, () => process.exit(1));
          return undefined;
        },
      );
    }
  });
  process.on("disconnect", () => void stopAndExit());
}

if (process.send && process.argv[1] === CHILD_PATH) serveChild();
