import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { builtinModules } from "node:module";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT, SUBGRAPH_DEFINITIONS } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const DIST = join(REPO_ROOT, "dist");
const NO_TYPESCRIPT = join(REPO_ROOT, "tests", "support", "no-typescript.mjs");

function* javascriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* javascriptFiles(path);
    else if (entry.name.endsWith(".js")) yield path;
  }
}

/** `npm run build`, then the platform from dist/ with plain node, as production runs it. */
describe("the compiled build", () => {
  let database: TestDatabase | undefined;
  let child: ChildProcess | undefined;
  before(() => {
    const build = spawnSync("npm", ["run", "build", "--silent"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
    assert.equal(build.status, 0, `npm run build failed:\n${build.stdout}\n${build.stderr}`);
  });
  after(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await database?.drop();
  });

  it("imports at run time only what `npm ci --omit=dev` installs", () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { dependencies: Record<string, string> };
    const builtins = new Set(builtinModules);
    const missing = new Set<string>();
    let files = 0;
    for (const file of javascriptFiles(DIST)) {
      files++;
      for (const match of readFileSync(file, "utf8").matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n]*?from\s*["']([^"'.][^"']*)["']|import\(\s*["']([^"'.][^"']*)["']\s*\)/g)) {
        const spec = (match[1] ?? match[2])!;
        const name = spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!;
        if (spec.startsWith("node:") || builtins.has(name) || name.startsWith("@citygraph/")) continue;
        if (!(name in manifest.dependencies)) missing.add(`${name} (${file.slice(DIST.length + 1)})`);
      }
    }
    assert.ok(files > 300, `dist/ holds the compiled services (${files} files)`);
    assert.deepEqual([...missing], [], "imported by the build but not a production dependency");
  });

  it("runs every service from dist/ with plain node and no TypeScript loaded in any process", async () => {
    database = await createTestDatabase();
    const ports = Object.fromEntries(Object.keys(SUBGRAPH_DEFINITIONS).map((name) => [`${name.toUpperCase()}_PORT`, "0"]));
    // NODE_OPTIONS reaches every process the supervisor starts: each fails if it loads a .ts file.
    child = spawn(process.execPath, [join(DIST, "apps/cli/src/main.js"), "start"], {
      cwd: REPO_ROOT,
      env: { ...process.env, NODE_OPTIONS: `--import=${NO_TYPESCRIPT}`, DATABASE_URL: database.url, PORT: "0", CITYGRAPH_OPS_PORT: "off", LOG_LEVEL: "info", ...ports },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${output}`)), 180_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Explorer \(open in a browser\):\s+(\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      };
      child!.stdout!.on("data", read);
      child!.stderr!.on("data", read);
      child!.once("exit", (code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
    });
    assert.doesNotMatch(output, /TypeScript loaded/);
    const services = [...output.matchAll(/"supervised":"([a-z]+)","supervisedPid":\d+,"message":"service ready"/g)].map((m) => m[1]);
    assert.deepEqual(services.sort(), [...Object.keys(SUBGRAPH_DEFINITIONS), "gateway"].sort(), "each service in its own compiled process");
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ districts { code } }" }),
    });
    assert.equal(((await response.json()) as { data: { districts: unknown[] } }).data.districts.length, 16);
    const exited = new Promise<number | null>((resolve) => child!.once("close", (code) => resolve(code)));
    child.kill("SIGINT");
    assert.equal(await exited, 130, `a clean stop on SIGINT:\n${output.slice(-2000)}`);
  });
});
