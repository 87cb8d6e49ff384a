/**
 * `npm test`'s runner: provides a PostgreSQL server (CI's, named by CITYGRAPH_TEST_DATABASE_URL, or
 * an embedded one on a machine with nothing but Node), migrates and seeds a template database once,
 * then runs every tests/**\/*.test.ts with node's test runner. Each test file copies the template
 * into a throwaway database of its own and drops it when done.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { createDatabase, createLogger, dropDatabase, type SubgraphName } from "@citygraph/core";
import { REPO_ROOT, freePort, migrateAll, seedAll, startEmbeddedPostgres, subgraphNames } from "@citygraph/platform";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

const log = createLogger({ service: "test-runner" }, "warn");

/** The longest one test may take (ms); the slowest today, `citygraph start` under load, takes ~1 min. */
const TEST_TIMEOUT_MS = 600_000;

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return entry === "support" ? [] : findTests(path);
    return entry.endsWith(".test.ts") ? [path] : [];
  });
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2);
  const files = findTests(join(REPO_ROOT, "tests"))
    .map((f) => relative(REPO_ROOT, f))
    .filter((f) => filters.length === 0 || filters.some((x) => f.includes(x)))
    .sort();
  if (files.length === 0) {
    console.error(`No test files match ${filters.join(" ")}`);
    return 1;
  }
  let server = process.env.CITYGRAPH_TEST_DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  if (!server) {
    // A cluster of its own on a free port: test runs may overlap, and each must start clean.
    const dataDir = mkdtempSync(join(tmpdir(), "citygraph-test-pg-"));
    // Run as root, PostgreSQL runs as its own OS user, which must be able to enter the folder.
    chmodSync(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({ dataDir, port: await freePort(), log });
    server = embedded.adminUrl;
    stopEmbedded = async () => {
      await embedded.stop();
      rmSync(dataDir, { recursive: true, force: true });
    };
  }
  // Keys, anchors and spools the tests' services write go to a folder of the run's own, never to
  // the checkout's .data: a test's anchors there would be another database's chain to the next
  // `npm start`, which would then report its ledger as rewritten.
  const dataDir = process.env.CITYGRAPH_DATA_DIR ?? mkdtempSync(join(tmpdir(), "citygraph-test-data-"));
  chmodSync(dataDir, 0o755);
  const template = `citygraph_tpl_${process.pid}`;
  try {
    const started = Date.now();
    await dropDatabase(server, template);
    const url = await createDatabase(server, template);
    const urls = Object.fromEntries(subgraphNames().map((n) => [n, url])) as Record<SubgraphName, string>;
    await migrateAll(urls);
    await seedAll(urls, { scale: 1 });
    console.log(`template database ready in ${Date.now() - started} ms; running ${files.length} test files`);
    return await new Promise<number>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          "--import",
          "tsx",
          "--import",
          "./tests/support/log-level.ts",
          "--test",
          "--test-reporter=spec",
          "--test-concurrency=2",
          // A test that hangs fails after ten minutes, and a file whose tests are done exits even
          // if it left a timer or socket behind: either would otherwise stall the run (and CI).
          `--test-timeout=${TEST_TIMEOUT_MS}`,
          "--test-force-exit",
          ...files,
        ],
        {
          cwd: REPO_ROOT,
          stdio: "inherit",
          env: {
            ...process.env,
            CITYGRAPH_TEST_DATABASE_URL: server,
            CITYGRAPH_TEST_TEMPLATE: template,
            CITYGRAPH_DATA_DIR: dataDir,
            LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
          },
        },
      );
      child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    });
  } finally {
    await dropDatabase(server, template).catch(() => undefined);
    await stopEmbedded?.();
    if (!process.env.CITYGRAPH_DATA_DIR) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
