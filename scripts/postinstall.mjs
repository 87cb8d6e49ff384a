// npm runs this after `npm ci` / `npm install` in a checkout: it prepares what `npm start` and
// `npm test` need and would otherwise make on their first run (the Prisma clients take ~9 s on two
// cores, the console ~1.5 s, the compiled build ~3 s), so a fresh clone's first start is a start,
// not a build. Each step skips itself when nothing changed. A production install (`npm ci
// --omit=dev`, the image's) has neither tsx nor Vite: its clients and console come compiled in
// dist/ (`npm run build`), so this says so and does nothing.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const development = ["prisma", "tsx", "vite"].every((name) => existsSync(join(root, "node_modules", name, "package.json")));
if (!development) {
  console.log("citygraph: no development dependencies installed; the Prisma clients and the console come from the build (dist/).");
  process.exit(0);
}
// Last, the compiled build `npm start` runs (esbuild, ~3 s on two cores): built here, a fresh
// clone's first `npm start` only checks that it is current (measured: ready 15.1-16.8 s after
// `npm ci` when it built first, 12-14 s of which was starting).
for (const args of [
  [join(root, "bin", "citygraph.mjs"), "generate", "--quiet"],
  [join(root, "apps", "console", "scripts", "build.mjs")],
  ["--import", "tsx", join(root, "scripts", "build.ts"), "--quiet"],
]) {
  const result = spawnSync(process.execPath, args, { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
