import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import type { Logger } from "@citygraph/core";
import { CLI_ENTRY, REPO_ROOT } from "./paths.ts";
import { processEnvironment } from "./config.ts";

/** What the supervisor knows of one service: its current process, and whether it wants it gone. */
interface ServiceState {
  child?: ChildProcess;
  stopping: boolean;
  restarts: number;
}

/** One service the supervisor keeps running: a `citygraph` command line and its environment. */
export interface ServiceSpec {
  /** Name in logs and in the prefix of every line the service writes (`health | …`). */
  name: string;
  /** Arguments of the `citygraph` command, e.g. `["serve", "health"]`. */
  args: string[];
  /** Environment on top of this process's own. */
  env: Record<string, string>;
  /** URL whose 200 says the service is ready (its `/readyz` or `/healthz`). */
  readyUrl: string;
}

/** Options of {@link createSupervisor}. */
export interface SupervisorOptions {
  log: Logger;
  /** Where a service's output lines go, already prefixed. Default: this process's stderr. */
  write?: (line: string) => void;
  /** Longest a service may take to become ready, milliseconds. Default 180 000 (a first start on a busy two-core machine compiles TypeScript in every process). */
  readyTimeoutMs?: number;
  /** First restart delay after a crash, doubled per crash in a row up to 30 s. Milliseconds. Default 500. */
  restartDelayMs?: number;
  /** Time a service gets to stop on SIGTERM before SIGKILL, milliseconds. Default 10 000. */
  stopTimeoutMs?: number;
}

/** A running service under supervision. */
export interface SupervisedService {
  readonly name: string;
  /** The process id of the current incarnation. */
  pid(): number | undefined;
  /** Times the service was restarted after a crash. */
  restarts(): number;
}

/** The process supervisor of `citygraph start`. */
export interface Supervisor {
  /** Starts a service and resolves once its ready URL answers 200. */
  start(spec: ServiceSpec): Promise<SupervisedService>;
  /** Stops the given services (all at once), waiting for each to exit. */
  stop(names: readonly string[]): Promise<void>;
}

/**
 * Runs each service as its own process: its output is prefixed with its name, a crash restarts
 * it with exponential backoff (reset once it has stayed up for a minute), and stopping is
 * SIGTERM, then SIGKILL after a grace period.
 *
 * Services run in process groups of their own, so a terminal's Ctrl-C reaches only the
 * supervisor, which then stops them in the order it chooses (gateway first). Each also holds an
 * IPC channel to the supervisor and exits when it closes, so a supervisor killed with SIGKILL
 * leaves no orphans. (A library such as pm2 would bring its own daemon and configuration format;
 * this is the hundred lines the platform needs.)
 */
export function createSupervisor(options: SupervisorOptions): Supervisor {
  const { log } = options;
  const write = options.write ?? ((line: string) => process.stderr.write(line + "\n"));
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;
  const firstDelay = options.restartDelayMs ?? 500;
  const stopTimeoutMs = options.stopTimeoutMs ?? 10_000;
  const running = new Map<string, ServiceState>();
  /** Services whose first start is still being awaited by `start`. */
  const starting = new Set<string>();

  const spawnOnce = (spec: ServiceSpec, state: ServiceState) => {
    const child = spawn(process.execPath, [CLI_ENTRY, ...spec.args], {
      cwd: REPO_ROOT,
      env: processEnvironment().forChild(spec.env),
      detached: true,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    state.child = child;
    const started = Date.now();
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on("line", (line) => write(`${spec.name} | ${line}`));
    }
    child.once("exit", (code, signal) => {
      if (state.stopping) return;
      // Up for a minute: the next crash starts the backoff again.
      if (Date.now() - started > 60_000) state.restarts = 0;
      const delay = Math.min(firstDelay * 2 ** state.restarts, 30_000);
      state.restarts++;
      log.error("service exited; restarting", { supervised: spec.name, code, signal, restartInMs: delay });
      setTimeout(() => {
        if (state.stopping) return;
        spawnOnce(spec, state);
        // Once running, a crash is logged and retried for ever (with backoff); nothing waits on it.
        if (!starting.has(spec.name)) waitReady(spec, state).catch((error: unknown) => log.error("restarted service not ready", { supervised: spec.name, error: String(error) }));
      }, delay).unref();
    });
    return child;
  };

  /**
   * Resolves once `spec.readyUrl` answers 200. A process that exits meanwhile is restarted by the
   * exit handler; three exits before ready, or the deadline, reject.
   */
  const waitReady = async (spec: ServiceSpec, state: ServiceState): Promise<void> => {
    const deadline = Date.now() + readyTimeoutMs;
    const exitsAtStart = state.restarts;
    for (;;) {
      if (state.restarts - exitsAtStart >= 3) {
        throw new Error(`${spec.name} exited ${state.restarts - exitsAtStart} times during start-up; its output is above.`);
      }
      const ok = await fetch(spec.readyUrl, { signal: AbortSignal.timeout(1_000) })
        .then((r) => r.ok)
        .catch(() => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error(`${spec.name} was not ready at ${spec.readyUrl} within ${readyTimeoutMs / 1000} s.`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Not `service` and `pid`: the supervisor's own line has those (two of a key is no JSON one can trust).
    log.info("service ready", { supervised: spec.name, supervisedPid: state.child?.pid });
  };

  return {
    async start(spec) {
      const state: ServiceState = { stopping: false, restarts: 0 };
      running.set(spec.name, state);
      starting.add(spec.name);
      spawnOnce(spec, state);
      try {
        await waitReady(spec, state);
        starting.delete(spec.name);
      } catch (error) {
        state.stopping = true;
        state.child?.kill("SIGKILL");
        throw error;
      }
      return { name: spec.name, pid: () => state.child?.pid, restarts: () => state.restarts };
    },
    async stop(names) {
      await Promise.all(
        names.map(async (name) => {
          const state = running.get(name);
          const child = state?.child;
          if (!state || !child) return;
          state.stopping = true;
          if (child.exitCode !== null || child.signalCode !== null) return;
          const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), stopTimeoutMs);
          await exited;
          clearTimeout(timer);
        }),
      );
    },
  };
}
