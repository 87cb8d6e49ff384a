import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, SUBGRAPH_DEFINITIONS } from "@citygraph/platform";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

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
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${output}`)), 180_000);
        const poll = setInterval(() => {
          const match = /Explorer \(open in a browser\):\s+(\S+)/.exec(output);
          if (match) {
            clearInterval(poll);
            clearTimeout(timer);
            resolve(match[1]!);
          }
        }, 50);
        void exited.then(() => reject(new Error(`exited before ready:\n${output}`)));
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
      const code = await exited;
      stop = true;
      await Promise.all(loops);
      assert.doesNotMatch(output, /Unhandled 'error' event|uncaughtException|UnhandledPromiseRejection/, output.slice(-3000));
      assert.equal(code, 130, output.slice(-3000));
    } finally {
      if (child.exitCode === null) process.kill(-child.pid!, "SIGKILL");
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
