import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";

/** `citygraph serve gateway` fails closed: no ledger, no gateway. */
describe("citygraph serve gateway", () => {
  it("refuses to start without a governance database, saying what to set", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "citygraph-serve-"));
    const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("DATABASE_URL")));
    try {
      const child = spawn(process.execPath, ["bin/citygraph.mjs", "serve", "gateway"], {
        cwd: REPO_ROOT,
        env: { ...env, CITYGRAPH_DATA_DIR: dataDir, PORT: "0", LOG_LEVEL: "info" },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let output = "";
      child.stdout!.on("data", (c: Buffer) => (output += c.toString()));
      child.stderr!.on("data", (c: Buffer) => (output += c.toString()));
      const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
      assert.notEqual(code, 0, output);
      assert.match(output, /access ledger/);
      assert.match(output, /DATABASE_URL_GOVERNANCE/);
      assert.doesNotMatch(output, /"message":"listening"/);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
