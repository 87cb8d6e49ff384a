/**
 * The benchmark's isolated layout (the default): every gateway under test in a process of its own,
 * confined to one core, the subgraphs (`citygraph start`'s own processes) and the load generator
 * on the other cores. Each scenario carries its gateway's pid, so a run measures the gateway's own
 * CPU time per request and memory, whatever the subgraphs cost. Throughput here is bound by the
 * subgraph side; CPU-ms per request is what compares gateways (requests per second per gateway
 * core is its inverse).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { execFileSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { StartupError, type SubgraphName } from "@citygraph/core";
import { REPO_ROOT, freePort, securityFromEnv, subgraphNames, upperName } from "@citygraph/platform";
import { defaultAnchorFile, gatewayLoginUrl } from "@citygraph/platform/run";
import { loadSupergraph, subgraphUrlsOf } from "@citygraph/supergraph";
import type { GatewayChildMessage, GatewayStartMessage } from "./gateways.ts";
import { GATEWAY_KINDS, type IsolatedGateway } from "./options.ts";
import { SHIPPED_CLI, pinned, startProcesses, type RunningProcesses } from "./processes.ts";
import { descendantsMatching } from "./process-stats.ts";
import { benchCaller, type Scenario } from "./services.ts";

const GATEWAYS_PATH = fileURLToPath(new URL("./gateways.ts", import.meta.url));

/** The running layout. */
export interface IsolatedServices {
  scenarios: Scenario[];
  /** The cores the gateways run on and the ones everything else does, as taskset lists. */
  cpus: { gateway: string; others: string } | undefined;
  /**
   * The subgraph processes of the platform (`citygraph serve <subgraph>`, not its idle gateway):
   * what every scenario's requests cost on the subgraph side is read from them. Looked up on each
   * call, so a subgraph the supervisor restarted is still counted.
   */
  subgraphPids(): number[];
  stop(): Promise<void>;
  /** Kills every process at once (a signal handler's last resort). */
  kill(): void;
}

const DESCRIPTIONS: Record<IsolatedGateway, string> = {
  apollo: "plain @apollo/gateway with Apollo's defaults",
  hive: "Hive Gateway (@graphql-hive/gateway-runtime, JavaScript runtime), in-flight deduplication off",
  "hive-dedup": "Hive Gateway, JavaScript runtime, in-flight deduplication on (inbound and outbound)",
  "hive-rust": "Hive Gateway with the Rust query planner and executor (@graphql-hive/router-runtime)",
  "permissions-off": "citygraph's gateway with its field permissions and the ledger off",
  "ledger-off": "citygraph's gateway with the access ledger off (permissions on)",
  citygraph: "citygraph as shipped: `citygraph serve gateway` (permissions, masking, the ledger with anchors to a file)",
};

/**
 * On a machine of one core there is nothing to isolate on: every process shares it (and the
 * report says so). Otherwise core 0 is the gateways', the rest everyone else's.
 */
function cpuSets(): { gateway: string; others: string } | undefined {
  const cores = availableParallelism();
  if (cores < 2) return undefined;
  try {
    execFileSync("taskset", ["-c", "0", "true"]);
  } catch {
    return undefined; // no taskset (or not allowed): unpinned, as the report states
  }
  return { gateway: "0", others: cores === 2 ? "1" : `1-${cores - 1}` };
}

/**
 * Starts the subgraphs (as `citygraph start` runs them) and every gateway under test over them,
 * each gateway alone on the gateway core. This process moves itself to the other cores, so the
 * load generator never competes with a gateway being measured.
 */
export async function startIsolated(
  databaseUrls: Record<SubgraphName, string>,
  gateways: readonly IsolatedGateway[],
): Promise<IsolatedServices> {
  const cpus = cpuSets();
  if (cpus) execFileSync("taskset", ["-pc", cpus.others, String(process.pid)], { stdio: "ignore" });
  const supergraphSdl = loadSupergraph();
  const subgraphPorts: Partial<Record<SubgraphName, number>> = {};
  for (const name of subgraphNames()) subgraphPorts[name] = await freePort();
  const subgraphUrls: Record<string, string> = {};
  for (const name of Object.keys(subgraphUrlsOf(supergraphSdl))) {
    const port = subgraphPorts[name as SubgraphName];
    if (!port) throw new StartupError(`The supergraph routes to subgraph "${name}", which the platform does not run: run "citygraph compose".`);
    subgraphUrls[name] = `http://127.0.0.1:${port}/graphql`;
  }
  const children: ChildProcess[] = [];
  let platform: RunningProcesses | undefined;
  const stop = async () => {
    await Promise.all(children.map((child) => stopChild(child)));
    await platform?.stop();
  };
  try {
    // One gateway worker of its own, idle: `citygraph start` is here for its subgraphs.
    platform = await startProcesses(databaseUrls, { workers: 1, subgraphPorts, cpus: cpus?.others });
    const security = await securityFromEnv();
    const caller = await benchCaller(security, Object.keys(subgraphUrls));
    const scenarios: Scenario[] = [];
    const add = (kind: IsolatedGateway, url: string, pid: number, baselines?: string[]) =>
      scenarios.push({ name: kind, description: `${DESCRIPTIONS[kind]}, ${caller.description}`, url, headers: caller.headers, pid, baselines });

    for (const kind of GATEWAY_KINDS) {
      if (!gateways.includes(kind)) continue;
      const { child, url } = await startGatewayChild(cpus?.gateway, {
        type: "start",
        kind,
        supergraphSdl,
        subgraphUrls,
        principal: caller.principal,
        governanceUrl: databaseUrls.governance,
      });
      children.push(child);
      add(kind, url, child.pid!, kind === "apollo" ? undefined : kind === "ledger-off" ? ["apollo", "permissions-off"] : ["apollo"]);
    }
    if (gateways.includes("citygraph")) {
      const shipped = await startShippedGateway(cpus?.gateway, databaseUrls, subgraphUrls);
      children.push(shipped.child);
      add("citygraph", shipped.url, shipped.child.pid!, ["apollo", "hive", "hive-rust", "ledger-off"]);
    }
    const supervisor = platform.pid;
    const subgraphCommand = new RegExp(` serve (${subgraphNames().join("|")})$`);
    return {
      scenarios,
      cpus,
      subgraphPids: () => descendantsMatching(supervisor, (command) => subgraphCommand.test(command)),
      stop,
      kill: () => {
        for (const child of children) child.kill("SIGKILL");
        platform?.stop().catch(() => undefined);
      },
    };
  } catch (error) {
    await stop().catch(() => undefined);
    throw error;
  }
}

/** Forks gateways.ts on the gateway core and waits for the URL it listens on. */
async function startGatewayChild(cpu: string | undefined, message: GatewayStartMessage): Promise<{ child: ChildProcess; url: string }> {
  const [command, args] = pinned(cpu, [process.execPath, "--import", "tsx", GATEWAYS_PATH]);
  const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ["ignore", 2, 2, "ipc"], serialization: "advanced" });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new StartupError(`The ${message.kind} gateway did not start within 60 s.`)), 60_000);
      child.once("message", (answer: GatewayChildMessage) => {
        clearTimeout(timer);
        if (answer.type === "ready") resolve(answer.url);
        else reject(new StartupError(`The ${message.kind} gateway failed to start: ${answer.message}`));
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new StartupError(`The ${message.kind} gateway exited (code ${code}) while starting.`));
      });
      child.send(message);
    });
    return { child, url };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

/**
 * `citygraph serve gateway`, one process, with what `citygraph start` hands its own gateway: the
 * subgraph URLs, the gateway's least-privilege login, the anchor file. It shares the ledger chain
 * with the platform's idle gateway, as two replicas do.
 */
async function startShippedGateway(
  cpu: string | undefined,
  databaseUrls: Record<SubgraphName, string>,
  subgraphUrls: Record<string, string>,
): Promise<{ child: ChildProcess; url: string }> {
  const port = await freePort();
  const env: Record<string, string> = {
    ...Object.fromEntries(Object.entries(subgraphUrls).map(([name, url]) => [`SUBGRAPH_URL_${upperName(name as SubgraphName)}`, url])),
    DATABASE_URL_GOVERNANCE: databaseUrls.governance,
    CITYGRAPH_GATEWAY_DATABASE_URL: process.env.CITYGRAPH_GATEWAY_DATABASE_URL ?? (await gatewayLoginUrl(databaseUrls.governance)),
    CITYGRAPH_ANCHOR_FILE: process.env.CITYGRAPH_ANCHOR_FILE ?? defaultAnchorFile(databaseUrls.governance),
    PORT: String(port),
    HOST: "127.0.0.1",
    CITYGRAPH_GATEWAY_WORKERS: "1",
    CITYGRAPH_OPS_PORT: "off",
    LOG_LEVEL: "warn",
  };
  const [command, args] = pinned(cpu, [process.execPath, SHIPPED_CLI, "serve", "gateway"]);
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", 2, 2] });
  const url = `http://127.0.0.1:${port}/graphql`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new StartupError(`citygraph serve gateway exited (code ${child.exitCode}) while starting.`);
    const ready = await fetch(new URL("/readyz", url)).then((r) => r.ok, () => false);
    if (ready) return { child, url };
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new StartupError("citygraph serve gateway was not ready within 60 s.");
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
