import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, SUBGRAPH_DEFINITIONS, freePort } from "@citygraph/platform";

/**
 * Ctrl-C in a terminal reaches the whole foreground process group: citygraph and its embedded
 * PostgreSQL stop at the same moment, so pooled connections die under the requests in flight.
 * The process must still stop in order and exit with the signal's code, never with an uncaught
 * `'error'` event from a database client.
 */
describe("citygraph start under load", () => {
  it("stops cleanly when SIGINT reaches its whole process group, embedded PostgreSQL included", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "citygraph-shutdown-"));
    chmodSync(dataDir, 0o755);
    const ports = Object.fromEntries(Object.keys(SUBGRAPH_DEFINITIONS).map((name) => [`${name.toUpperCase()}_PORT`, "0"]));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...ports,
      CITYGRAPH_DATA_DIR: dataDir,
      CITYGRAPH_EMBEDDED_PG_PORT: String(await freePort()),
      PORT: "0",
      CITYGRAPH_OPS_PORT: "0",
      LOG_LEVEL: "warn",
    };
    delete env.DATABASE_URL;
    // A process group of its own, as a terminal's foreground job is.
    const child = spawn(process.execPath, ["bin/citygraph.mjs", "start"], { cwd: REPO_ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? 128 : null))));
    try {
      // Every path out of the wait clears its timers: a poll left running keeps this test file's
      // process alive, and a stalled file stalls the whole run.
      let poll: NodeJS.Timeout | undefined;
      let timer: NodeJS.Timeout | undefined;
      const url = await new Promise<string>((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${output}`)), 180_000);
        poll = setInterval(() => {
          const match = /Explorer \(open in a browser\):\s+(\S+)/.exec(output);
          if (match) resolve(match[1]!);
        }, 50);
        void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
      }).finally(() => {
        clearInterval(poll);
        clearTimeout(timer);
      });
      const token = /development token[^\n]*\n\s+(\S+)/.exec(output)?.[1];
      assert.ok(token, "start prints a development token");
      // Load: 16 loops of personal-data reads (each waits for its ledger entry), for at most 20 s.
      let stop = false;
      const deadline = Date.now() + 20_000;
      const loops = Array.from({ length: 16 }, async () => {
        while (!stop && Date.now() < deadline) {
          await fetch(url, {
            method: "POST",
            headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
            body: JSON.stringify({ query: "{ persons(first: 5) { nodes { id name idNumber healthCode { color } } } }" }),
          })
            .then((r) => r.arrayBuffer())
            .catch(() => undefined);
        }
      });
      await new Promise((r) => setTimeout(r, 1_500));
      process.kill(-child.pid!, "SIGINT");
      let stopTimer: NodeJS.Timeout | undefined;
      const code = await Promise.race([
        exited,
        new Promise<"hung">((resolve) => (stopTimer = setTimeout(() => resolve("hung"), 60_000))),
      ]).finally(() => clearTimeout(stopTimer));
      assert.notEqual(code, "hung", `still running 60 s after SIGINT:\n${output.slice(-3000)}`);
      stop = true;
      await Promise.all(loops);
      assert.doesNotMatch(output, /Unhandled 'error' event|uncaughtException|UnhandledPromiseRejection/, output.slice(-3000));
      assert.equal(code, 130, output.slice(-3000));
    } finally {
      // The whole group: embedded PostgreSQL may outlive a citygraph that failed.
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // Already gone.
      }
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
