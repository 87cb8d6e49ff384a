/**
 * The platform as `citygraph start` runs it — each subgraph its own process, the gateway as
 * workers sharing one port — for the benchmark's "processes" scenario, which is divided by the
 * single-process "citygraph" scenario: what one process per service buys (or costs) on this machine.
 */
import { spawn } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, freePort, upperName } from "@citygraph/platform";
import { StartupError, type SubgraphName } from "@citygraph/core";

/**
 * The compiled `citygraph` command (`npm run build`, which `npm run bench` runs first): what
 * `npm start` and the container run, so what the benchmark measures. The development entry
 * (bin/citygraph.mjs) would measure the TypeScript loader as well.
 */
export const SHIPPED_CLI = join(REPO_ROOT, "dist", "apps", "cli", "src", "main.js");

/** Options of {@link startProcesses}. */
export interface StartProcessesOptions {
  /** An OTLP/HTTP endpoint every process sends its spans to. Default: tracing off. */
  tracesTo?: string;
  /** Gateway worker processes. Default: one per core. */
  workers?: number;
  /** The port of each subgraph. Default: any free one. */
  subgraphPorts?: Partial<Record<SubgraphName, number>>;
  /** CPUs (a `taskset -c` list, e.g. "1-3") every process is confined to. Default: any. */
  cpus?: string;
}

/**
 * `command` confined to `cpus` through taskset(1), which execs it: the child's pid is the command's.
 * Undefined `cpus` leaves the command as it is.
 */
export function pinned(cpus: string | undefined, [command, ...args]: string[]): [string, string[]] {
  return cpus === undefined ? [command!, args] : ["taskset", ["-c", cpus, command!, ...args]];
}

/** A running `citygraph start`. */
export interface RunningProcesses {
  gatewayUrl: string;
  /** The supervisor's pid (`citygraph start`); every service is a descendant. */
  pid: number;
  /** Gateway worker processes. */
  workers: number;
  /** Stops it (SIGTERM: gateway, then subgraphs) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * Runs `citygraph start` over the benchmark's databases, every port chosen free, and resolves once
 * it prints that it is ready. Its keys are this process's (same data directory), so the bench
 * caller's token is accepted; it exits when this process does (its IPC channel closes).
 */
export async function startProcesses(
  databaseUrls: Record<SubgraphName, string>,
  options: StartProcessesOptions = {},
  timeoutMs = 180_000,
): Promise<RunningProcesses> {
  const port = await freePort();
  const workers = options.workers ?? availableParallelism();
  const env: Record<string, string> = { PORT: String(port), CITYGRAPH_OPS_PORT: "off", CITYGRAPH_GATEWAY_WORKERS: String(workers), LOG_LEVEL: "warn" };
  if (options.tracesTo) env.OTEL_EXPORTER_OTLP_ENDPOINT = options.tracesTo;
  for (const [name, url] of Object.entries(databaseUrls)) {
    env[`DATABASE_URL_${upperName(name as SubgraphName)}`] = url;
    env[`${upperName(name as SubgraphName)}_PORT`] = String(options.subgraphPorts?.[name as SubgraphName] ?? 0);
  }
  const [command, args] = pinned(options.cpus, [process.execPath, SHIPPED_CLI, "start"]);
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new StartupError(`citygraph start was not ready within ${timeoutMs / 1000} s.`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/is ready in/.test(output)) {
        clearTimeout(timer);
        // Only the banner was wanted: later output is read and dropped, not kept for the whole run.
        child.stdout!.off("data", onData).resume();
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new StartupError(`citygraph start exited (code ${code}) before it was ready:\n${output}`));
    });
  }).catch(async (error: unknown) => {
    child.kill("SIGKILL");
    await exited;
    throw error;
  });
  return {
    gatewayUrl: `http://127.0.0.1:${port}/graphql`,
    pid: child.pid!,
    workers,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A stand-in for an OpenTelemetry collector: accepts OTLP/HTTP exports and discards them, counting requests. */
export async function startTraceSink(): Promise<{ url: string; exports(): number; stop(): Promise<void> }> {
  let exports = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      exports++;
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, exports: () => exports, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}
