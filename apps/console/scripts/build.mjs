// Builds the console into apps/console/dist unless the build there was made from the same sources.
// `npm start` and `npm test` run it, so a fresh clone serves a current console without a separate
// step; an unchanged tree costs one hash of the sources (a few ms) instead of a Vite build.
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { dirname, extname, join, relative } from "node:path";
import { constants, gzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const stamp = join(root, "dist", ".source-hash");
const inputs = ["index.html", "vite.config.ts", "package.json", "src", "scripts/build.mjs"];

function files(path) {
  return statSync(path).isDirectory() ? readdirSync(path).sort().flatMap((entry) => files(join(path, entry))) : [path];
}

const hash = createHash("sha256");
for (const file of inputs.flatMap((input) => files(join(root, input)))) {
  hash.update(relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
}
const digest = hash.digest("hex");
const force = process.argv.includes("--force");
if (!force && existsSync(stamp) && readFileSync(stamp, "utf8") === digest && existsSync(join(root, "dist", "index.html"))) {
  process.exit(0);
}
const started = Date.now();
const { build } = await import("vite");
await build({ configFile: join(root, "vite.config.ts"), logLevel: "warn" });
// Compressed once here rather than per request or at start-up: the gateway sends `<file>.gz` to
// clients that accept gzip (about a third of the size; government links are often slow).
const assets = join(root, "dist", "assets");
for (const file of readdirSync(assets)) {
  if ([".js", ".css", ".svg"].includes(extname(file))) {
    writeFileSync(join(assets, `${file}.gz`), gzipSync(readFileSync(join(assets, file)), { level: constants.Z_BEST_COMPRESSION }));
  }
}
writeFileSync(stamp, digest);
console.log(`console built in ${Date.now() - started} ms (apps/console/dist)`);
