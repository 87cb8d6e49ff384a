// `npm run build`: compiles apps/cli, apps/platform, services/ and packages/ into dist/ with tsc
// (tsconfig.build.json), and makes dist/ a tree plain `node` runs with no TypeScript loader:
//   - each workspace package gets its package.json with `exports` pointing at the .js files;
//   - dist/node_modules/@citygraph/<name> links to it, so package names resolve inside dist/
//     (third-party packages resolve from the repo's node_modules one level up);
//   - the files read at run time are copied beside the code that reads them: the supergraph,
//     Prisma schemas and migrations, the role policy and the built console.
// The Prisma clients are generated first (`citygraph generate`) and compiled with the rest.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

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

const started = Date.now();
run(process.execPath, [join(REPO_ROOT, "bin/citygraph.mjs"), "generate", "--quiet"]);
run(process.execPath, [join(REPO_ROOT, "apps/console/scripts/build.mjs")]);
// Stale output of a moved or deleted source file would otherwise stay loadable.
rmSync(DIST, { recursive: true, force: true });
run(process.execPath, [join(REPO_ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"]);

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
console.log(`Built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s: run "node dist/apps/cli/src/main.js <command>".`);
