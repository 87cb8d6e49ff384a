import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { REPO_ROOT, assertReachableByPostgresUser, freePort, startEmbeddedPostgres } from "@citygraph/platform";
import { recordingLog } from "../../support/recording-log.ts";

const { log, messages } = recordingLog();

async function selectOne(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    return (await client.query("SELECT 1")).rowCount === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The embedded PostgreSQL of a fresh machine, through what goes wrong on one: left-over files and processes. */
describe("embedded PostgreSQL", () => {
  let dataDir: string;
  let port: number;
  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "citygraph-embedded-"));
    // mkdtemp makes it 0700; as root, PostgreSQL runs as another user that must enter it.
    chmodSync(dataDir, 0o755);
    port = await freePort();
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it("starts past a postmaster.pid whose pid now belongs to another process", async () => {
    const first = await startEmbeddedPostgres({ dataDir, port, log });
    await first.stop();
    // After a reboot the recorded pid may be anyone's: here this test's own, on a port nobody serves.
    writeFileSync(join(dataDir, "cluster", "postmaster.pid"), `${process.pid}\n${dataDir}\n0\n${await freePort()}\n`);
    const second = await startEmbeddedPostgres({ dataDir, port, log });
    try {
      assert.ok(await selectOne(second.adminUrl), "the server it started answers");
      assert.ok(messages.includes("embedded postgres: removing a stale postmaster.pid"));
    } finally {
      await second.stop();
    }
  });

  it("adopts a server whose citygraph was killed with -9, and stops it when done", async () => {
    // A citygraph that starts the server and is then killed outright: its server lives on.
    const script = `
      import { startEmbeddedPostgres } from "@citygraph/platform";
      const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };
      await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, log: quiet });
      console.log("up");
      setInterval(() => {}, 1000);`;
    const owner = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
    await new Promise<void>((resolve, reject) => {
      owner.stdout!.on("data", (chunk: Buffer) => chunk.toString().includes("up") && resolve());
      owner.once("exit", (code) => reject(new Error(`the owner exited with ${code}`)));
    });
    owner.kill("SIGKILL");
    await new Promise((resolve) => owner.once("exit", resolve));
    const postmaster = Number(readFileSync(join(dataDir, "cluster", "postmaster.pid"), "utf8").split("\n")[0]);
    assert.ok(alive(postmaster), "the orphan runs on");

    const adopted = await startEmbeddedPostgres({ dataDir, port, log });
    assert.ok(messages.includes("embedded postgres left running by a citygraph that died: adopting it"));
    assert.ok(await selectOne(adopted.adminUrl), "the adopted server answers");
    await adopted.stop();
    assert.ok(!alive(postmaster), "and is stopped with its adopter");
  });

  it("names a folder on the way that PostgreSQL's user cannot enter, with the fix", () => {
    const closed = join(dataDir, "closed");
    mkdirSync(join(closed, "data"), { recursive: true });
    chmodSync(closed, 0o700);
    assert.throws(
      () => assertReachableByPostgresUser(join(closed, "data")),
      (error: Error) => error.name === "StartupError" && error.message.includes(`chmod o+x ${closed}`) && error.message.includes("mode 700"),
    );
    assert.doesNotThrow(() => assertReachableByPostgresUser(dataDir));
  });
});
