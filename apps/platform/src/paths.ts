import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { join } from "node:path";
import type { SubgraphName } from "@citygraph/core";
import { processEnvironment } from "./config.ts";

/** The repository's root folder. */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** Whether this code runs compiled (`npm run build`, in dist/) rather than as TypeScript. */
const COMPILED = import.meta.url.endsWith(".js");

/**
 * The `citygraph` command of this installation, as a node script: the compiled one when this code
 * runs compiled (dist/), else bin/citygraph.mjs, which runs the TypeScript through tsx.
 */
export const CLI_ENTRY = COMPILED
  ? fileURLToPath(new URL("../../cli/src/main.js", import.meta.url))
  : join(REPO_ROOT, "bin", "citygraph.mjs");

/**
 * Where local state lives (embedded PostgreSQL, development keys); git-ignored. Compiled, it is
 * still the checkout's `.data`, beside dist/ rather than in it: every build replaces dist/, and
 * `npm start` (compiled) and `npx citygraph` (TypeScript) must find the same database and keys.
 */
export const DATA_DIR = processEnvironment().get("CITYGRAPH_DATA_DIR") ?? join(REPO_ROOT, COMPILED ? ".." : "", ".data");

/**
 * The anchor file `citygraph start` publishes to (and `citygraph audit` reads) unless
 * `CITYGRAPH_ANCHOR_FILE` says otherwise: one per governance database, named by a digest of its
 * server and name. An anchor file holds one chain's heads; read against another database's chain
 * (the embedded one yesterday, a DATABASE_URL today) every head would look rewritten.
 */
export function defaultAnchorFile(governanceUrl: string): string {
  const url = new URL(governanceUrl);
  const digest = createHash("sha256").update(`${url.hostname}:${url.port || "5432"}/${url.pathname.replace(/^\//, "")}`).digest("hex").slice(0, 12);
  return join(DATA_DIR, "anchors", `ledger-anchors-${digest}.jsonl`);
}

/** The gateway's ledger spool unless `CITYGRAPH_LEDGER_SPOOL_FILE` says otherwise (one per worker). */
export const DEFAULT_LEDGER_SPOOL_FILE = join(DATA_DIR, "ledger", "spool.jsonl");

/** A subgraph's Prisma schema. */
export function prismaSchemaPath(name: SubgraphName): string {
  return join(REPO_ROOT, "services", "subgraphs", name, "prisma", "schema.prisma");
}

/** A subgraph's migrations folder (Prisma's layout). */
export function migrationsDir(name: SubgraphName): string {
  return join(REPO_ROOT, "services", "subgraphs", name, "prisma", "migrations");
}

/** A subgraph's committed SDL, printed by `citygraph compose`. */
export function subgraphSdlPath(name: SubgraphName): string {
  return join(REPO_ROOT, "services", "subgraphs", name, "schema.graphql");
}
