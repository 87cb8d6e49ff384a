import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { spawn } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { processEnvironment } from "@citygraph/platform/config";

// Deliberately imports nothing that needs generated code: this command is what creates it.
const ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
// Each subgraph owns its Prisma schema, migrations and generated client beside its code.
const SUBGRAPHS_DIR = join(ROOT, "services", "subgraphs");
const STAMP = join(ROOT, "node_modules", ".cache", "citygraph", "prisma-generate.stamp");

/**
 * `citygraph generate`: generates every subgraph's Prisma client into
 * `services/subgraphs/<name>/prisma/generated/`.
 * Skips the work when no schema changed since the last run (a stamp of their hash), so `npm start`
 * and `npm test` can call it every time.
 */
export async function generateCommand(args: { force: boolean; quiet: boolean }): Promise<void> {
  const schemas = readdirSync(SUBGRAPHS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(SUBGRAPHS_DIR, d.name, "prisma", "schema.prisma")))
    .map((d) => join(SUBGRAPHS_DIR, d.name, "prisma", "schema.prisma"))
    .sort();
  const hash = createHash("sha256");
  hash.update(readFileSync(join(ROOT, "node_modules", "prisma", "package.json")));
  for (const schema of schemas) hash.update(schema).update(readFileSync(schema));
  const digest = hash.digest("hex");
  const present = schemas.every((schema) => existsSync(join(dirname(schema), "generated", "client.ts")));
  if (!args.force && present && existsSync(STAMP) && readFileSync(STAMP, "utf8") === digest) {
    if (!args.quiet) console.log("Prisma clients are up to date.");
    return;
  }
  const env = processEnvironment();
  // Each run is its own Prisma CLI process (about 2 s, most of it loading the CLI); side by side,
  // one per core, they take a third of the time in a row on a fresh clone's first `npm ci`.
  const queue = [...schemas];
  const worker = async () => {
    for (let schema = queue.shift(); schema; schema = queue.shift()) {
      // One failure is enough: the others stop taking schemas, and it is reported whole.
      await prismaGenerate(schema, env).catch((error: unknown) => {
        queue.length = 0;
        throw error;
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(availableParallelism(), schemas.length) }, worker));
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, digest);
  if (!args.quiet) console.log(`Generated ${schemas.length} Prisma clients into services/subgraphs/*/prisma/generated/.`);
}

/** One `prisma generate`; rejects with the CLI's output when it fails. */
function prismaGenerate(schema: string, env: ReturnType<typeof processEnvironment>): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, "node_modules", "prisma", "build", "index.js"), "generate", "--schema", schema], {
      cwd: ROOT,
      // The CLI insists on a native schema engine it cannot download here; generation does not use it.
      env: env.forChild({ PRISMA_SCHEMA_ENGINE_BINARY: env.get("PRISMA_SCHEMA_ENGINE_BINARY") ?? "/bin/true", PRISMA_HIDE_UPDATE_MESSAGE: "1" }),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    // "close", not "exit": by then the output has been read to its end.
    child.once("close", (code) => (code === 0 ? resolve() : reject(new Error(`prisma generate failed for ${schema}:\n${output}`))));
  });
}
