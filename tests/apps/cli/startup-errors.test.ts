import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { withDatabase } from "@citygraph/core";
import { freePort } from "@citygraph/platform";
import { testServerUrl } from "../../support/database.ts";
import { runCitygraph } from "../../support/cli.ts";

/** Runs `citygraph <args>` to its end, at log level info; its exit code and everything it printed. */
async function citygraph(args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return runCitygraph(args, { LOG_LEVEL: "info", ...env });
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
