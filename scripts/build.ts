// `npm run build`: compiles apps/cli, apps/platform, services/ and packages/ into dist/ (same
// tree as the repo), and makes dist/ a tree plain `node` runs with no TypeScript loader:
//   - each workspace package gets its package.json with `exports` pointing at the .js files;
//   - dist/node_modules/@citygraph/<name> links to it, so package names resolve inside dist/
//     (third-party packages resolve from the repo's node_modules one level up);
//   - the files read at run time are copied beside the code that reads them: the supergraph,
//     Prisma schemas and migrations, the role policy and the built console.
// The Prisma clients are generated first (`citygraph generate`) and compiled with the rest.
//
// esbuild transpiles, one output file per source file, in about half a second; tsc took ten, and
// `npm start` builds before it starts (the services then start at plain node's speed, about half of
// tsx's). Type-checking is `npm run typecheck`'s job (tsc, in `npm test`). esbuild is what tsx
// runs on, so the compiled code has the semantics the tests exercise (decorators included).
// A build of unchanged inputs is skipped (a hash of them in dist/); `--force` rebuilds anyway.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { generateCommand } from "../apps/cli/src/commands/generate.ts";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

// Not from @citygraph/platform: that imports the Prisma clients this script generates first.
const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
const DIST = join(REPO_ROOT, "dist");

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, { cwd: REPO_ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
}

/** Every workspace package of the compiled layers: its folder and package.json. */
function workspaces(): { dir: string; manifest: { name: string; exports?: Record<string, string> } }[] {
  const dirs = ["packages", "services", "services/subgraphs", "apps"].flatMap((top) =>
    readdirSync(join(REPO_ROOT, top), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(REPO_ROOT, top, d.name, "package.json")))
      .map((d) => `${top}/${d.name}`),
  );
  return dirs
    .filter((dir) => dir !== "apps/console") // a browser bundle, built by Vite and copied as files
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(REPO_ROOT, dir, "package.json"), "utf8")) }));
}

/** Copies what matches `keep` under `from` (relative to the repo) into dist/, same paths. */
function copyInto(from: string, keep: (path: string) => boolean = () => true): void {
  const source = join(REPO_ROOT, from);
  if (!existsSync(source)) return;
  cpSync(source, join(DIST, from), { recursive: true, filter: (path) => path === source || keep(relative(source, path)) });
}

/** The folders compiled into dist/. */
const SOURCE_ROOTS = ["apps/cli/src", "apps/platform/src", "services", "packages"];
/** Everything else the build reads: a change to any of them makes the next build a real one. */
const OTHER_INPUTS = [
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "scripts/build.ts",
  "policy",
  "apps/cli/package.json",
  "apps/platform/package.json",
  ...["index.html", "vite.config.ts", "package.json", "src", "scripts/build.mjs"].map((input) => `apps/console/${input}`),
];
const STAMP = join(DIST, ".build-hash");

/** Every file under `path` (relative to the repo), sorted, skipping installed packages. */
function filesUnder(path: string): string[] {
  const full = join(REPO_ROOT, path);
  if (!existsSync(full)) return [];
  if (!statSync(full).isDirectory()) return [path];
  return readdirSync(full, { withFileTypes: true })
    .filter((d) => d.name !== "node_modules")
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((d) => filesUnder(`${path}/${d.name}`));
}

/**
 * Rewrites each relative `./x.ts` import to `./x.js` and leaves every import unbundled: with all
 * imports external, esbuild's bundler emits each entry point as itself, which is how it lets a
 * plugin rewrite import paths (its plain transpiler does not touch them).
 */
const oneFilePerSource: Plugin = {
  name: "one-file-per-source",
  setup(esbuild) {
    esbuild.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === "entry-point") return undefined;
      return { path: /^\.{1,2}\//.test(args.path) ? args.path.replace(/\.ts$/, ".js") : args.path, external: true };
    });
  },
};

const started = Date.now();
const force = process.argv.includes("--force");
const quiet = process.argv.includes("--quiet");
/** A digest of every input: the sources (generated clients and Prisma schemas included) and the rest. */
function digestOfInputs(): string {
  const hash = createHash("sha256");
  for (const file of [...SOURCE_ROOTS, ...OTHER_INPUTS].flatMap(filesUnder)) hash.update(file).update("\0").update(readFileSync(join(REPO_ROOT, file))).update("\0");
  return hash.digest("hex");
}
// Checked first, so that `npm start` on an unchanged tree spends a hash and no more.
if (!force && existsSync(STAMP) && existsSync(join(DIST, "apps/cli/src/main.js")) && readFileSync(STAMP, "utf8") === digestOfInputs()) {
  if (!quiet) console.log("dist/ is up to date.");
  process.exit(0);
}
// In this process (it runs under tsx already): a check of unchanged schemas then costs no start-up.
await generateCommand({ force: false, quiet: true });
run(process.execPath, [join(REPO_ROOT, "apps/console/scripts/build.mjs")]);
const sources = SOURCE_ROOTS.flatMap(filesUnder);
// After generation, which may have rewritten the clients: the digest of what is compiled.
const digest = digestOfInputs();
// Stale output of a moved or deleted source file would otherwise stay loadable.
rmSync(DIST, { recursive: true, force: true });
await build({
  entryPoints: sources.filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts")).map((file) => join(REPO_ROOT, file)),
  outdir: DIST,
  outbase: REPO_ROOT,
  bundle: true,
  plugins: [oneFilePerSource],
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  // As tsx runs it: a class that names itself keeps its name (esbuild would rename it otherwise).
  keepNames: true,
  tsconfig: join(REPO_ROOT, "tsconfig.json"),
  logLevel: "warning",
});

const packages = workspaces();
for (const { dir, manifest } of packages) {
  const exports = Object.fromEntries(Object.entries(manifest.exports ?? {}).map(([path, file]) => [path, file.replace(/\.ts$/, ".js")]));
  mkdirSync(join(DIST, dir), { recursive: true });
  writeFileSync(join(DIST, dir, "package.json"), JSON.stringify({ ...manifest, exports }, null, 2) + "\n");
  const link = join(DIST, "node_modules", manifest.name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(DIST, dir)), link);
}
copyInto("packages/supergraph", (path) => path.endsWith(".graphql"));
for (const { dir } of packages.filter((w) => w.dir.startsWith("services/subgraphs/"))) {
  copyInto(`${dir}/prisma`, (path) => path === "migrations" || path.startsWith("migrations/") || path === "schema.prisma");
}
copyInto("policy");
copyInto("apps/console/dist");
writeFileSync(join(DIST, "package.json"), JSON.stringify({ name: "citygraph-dist", private: true, type: "module" }, null, 2) + "\n");
writeFileSync(STAMP, digest);
if (!quiet) console.log(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s: run "node dist/apps/cli/src/main.js <command>".`);
