import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDatabase } from "@citygraph/core";
import { REPO_ROOT, freePort } from "@citygraph/platform";
import { testServerUrl } from "../../support/database.ts";

/** Runs `citygraph <args>` to its end; its exit code and everything it printed. */
async function citygraph(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DATABASE_URL")));
  const child = spawn(process.execPath, ["bin/citygraph.mjs", ...args], {
    cwd: REPO_ROOT,
    env: { ...inherited, CITYGRAPH_OPS_PORT: "off", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  // A command that hangs instead of failing is a defect of its own: fail with what it printed
  // rather than leaving the runner's 10-minute timeout to say nothing.
  const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  clearTimeout(timer);
  assert.ok(child.signalCode !== "SIGKILL", `citygraph ${args.join(" ")} did not end within 120 s; it printed:\n${output}`);
  return { code, output };
}

/** An operator's message: one line saying what and where, no stack trace, no password. */
function assertOperatorMessage(output: string, expected: RegExp): void {
  assert.match(output, expected);
  assert.doesNotMatch(output, /^\s+at /m, `no stack trace:\n${output}`);
  assert.doesNotMatch(output, /wasm/i);
}

/** Start-up failures name what is wrong and what to change, before anything is started. */
describe("start-up failures", () => {
  let dataDir: string;
  let holder: Server;
  let heldPort: number;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "citygraph-startup-"));
    heldPort = await freePort();
    holder = createServer();
    await new Promise<void>((resolve) => holder.listen(heldPort, "127.0.0.1", resolve));
  });
  after(async () => {
    await new Promise((resolve) => holder.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("a database that does not exist is named, with the command that creates it", async () => {
    const url = withDatabase(testServerUrl(), "citygraph_no_such_database");
    for (const command of [["migrate"], ["seed"]]) {
      const { code, output } = await citygraph(command, { DATABASE_URL: url, CITYGRAPH_DATA_DIR: dataDir });
      assert.equal(code, 1, output);
      assertOperatorMessage(output, /The database "citygraph_no_such_database" \(DATABASE_URL\) does not exist on .*createdb/);
    }
  });

  it("a server that does not answer is named, with the variable that points at it; a password is never shown", async () => {
    const closed = await freePort();
    const { code, output } = await citygraph(["migrate"], {
      DATABASE_URL_HEALTH: `postgresql://citygraph:s3cret-pw@127.0.0.1:${closed}/city`,
      DATABASE_URL: testServerUrl(),
      CITYGRAPH_DATA_DIR: dataDir,
    });
    assert.equal(code, 1, output);
    assertOperatorMessage(output, new RegExp(`No PostgreSQL answers at 127\\.0\\.0\\.1:${closed} \\(DATABASE_URL_HEALTH, ECONNREFUSED\\)`));
    assert.doesNotMatch(output, /s3cret-pw/);
  });

  it("citygraph start names a taken port before it starts PostgreSQL", async () => {
    const { code, output } = await citygraph(["start"], { PORT: String(heldPort), CITYGRAPH_DATA_DIR: dataDir });
    assert.equal(code, 1, output);
    assertOperatorMessage(output, new RegExp(`Port ${heldPort} on 127\\.0\\.0\\.1 is in use \\(PORT\\).*set PORT to a free port`));
    assert.doesNotMatch(output, /embedded postgres/, "nothing was started");
  });

  it("citygraph serve <subgraph> names its port variable when the port is taken", async () => {
    const { code, output } = await citygraph(["serve", "health"], {
      DATABASE_URL: testServerUrl(),
      HEALTH_PORT: String(heldPort),
      CITYGRAPH_DATA_DIR: dataDir,
    });
    assert.equal(code, 1, output);
    assertOperatorMessage(output, new RegExp(`Port ${heldPort} on 127\\.0\\.0\\.1 is in use \\(HEALTH_PORT\\)`));
  });
});
