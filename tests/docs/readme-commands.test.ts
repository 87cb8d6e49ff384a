import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT, SUBGRAPH_DEFINITIONS } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../support/database.ts";

const run = promisify(execFile);
const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** A fenced block of the README: its info string, its text, and the line it starts on. */
interface Block {
  lang: string;
  text: string;
  line: number;
}

function fencedBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !lines[i]!.startsWith("```"); i++) body.push(lines[i]!);
    blocks.push({ lang: open[1]!, text: body.join("\n"), line: start + 1 });
  }
  return blocks;
}

/**
 * Shell blocks this test does not run, each with the test that does what it says. Running them here
 * would mean installing and building inside a test; a block not listed here is run.
 */
const RUN_ELSEWHERE: Record<string, string> = {
  "npm ci && npm start": "CI runs `npm ci` and `npm test` on a clean clone; tests/apps/cli/start.test.ts runs `citygraph start`",
  "npm ci && npm run build": "tests/scripts/build.test.ts builds and serves from dist/ with plain node",
};

const firstCommand = (block: Block) => block.text.split("\n").find((line) => line.trim() && !line.trim().startsWith("#"))!.trim();
const isListed = (block: Block) => Object.keys(RUN_ELSEWHERE).some((prefix) => firstCommand(block).startsWith(prefix));

/** Commands of a shell block: continuation lines joined, comments and blank lines dropped. */
const commandsOf = (block: Block) =>
  block.text
    .replace(/\\\n\s*/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith("#"));

/**
 * What a reader fills in by hand, and where the test takes it from: the output of an earlier
 * command, or the repository.
 */
interface Placeholders {
  agreementId?: string;
  apiKey?: string;
}

function fillIn(command: string, known: Placeholders, origin: string): string {
  let filled = command.replaceAll("http://127.0.0.1:4000", origin);
  filled = filled.replace(/<sha256 of ([^>]+)>/g, (_, file: string) =>
    createHash("sha256").update(readFileSync(join(REPO_ROOT, file), "utf8"), "utf8").digest("hex"),
  );
  if (filled.includes("<agreement-id>")) {
    assert.ok(known.agreementId, `no earlier command printed the agreement id for: ${command}`);
    filled = filled.replaceAll("<agreement-id>", known.agreementId);
  }
  if (filled.includes("cgk_…")) {
    assert.ok(known.apiKey, `no earlier command printed an API key for: ${command}`);
    filled = filled.replaceAll("cgk_…", known.apiKey);
  }
  assert.doesNotMatch(filled, /<[a-z][a-z0-9 -]*>/, `a placeholder this test cannot fill in: ${command}`);
  return filled;
}

/**
 * The README as a reader on a fresh machine follows it: every shell block (but the install and
 * build lines, run by their own tests) and the FirstLook query, in order, against a platform
 * started with `citygraph start`. Every command must succeed; every response must be data without
 * errors. A block that drifts from what the product does fails here.
 */
describe("the README's commands", () => {
  let database: TestDatabase;
  let platform: ChildProcess;
  let origin: string;
  let devToken: string;
  let bin: string;
  const env: Record<string, string> = {};

  before(async () => {
    database = await createTestDatabase({ template: process.env.CITYGRAPH_TEST_TEMPLATE });
    const ports = Object.fromEntries(Object.keys(SUBGRAPH_DEFINITIONS).map((name) => [`${name.toUpperCase()}_PORT`, "0"]));
    platform = spawn(process.execPath, ["bin/citygraph.mjs", "start"], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: database.url, PORT: "0", CITYGRAPH_OPS_PORT: "0", ...ports },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const output = await new Promise<string>((resolve, reject) => {
      let text = "";
      const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${text}`)), 180_000);
      const read = (chunk: Buffer) => {
        text += chunk.toString();
        if (/development token for it[^\n]*:\n\s+\S+/.test(text)) {
          clearTimeout(timer);
          resolve(text);
        }
      };
      platform.stdout!.on("data", read);
      platform.stderr!.on("data", read);
      platform.once("exit", (code) => reject(new Error(`exited with ${code} before ready:\n${text}`)));
    });
    origin = new URL(/Explorer \(open in a browser\):\s+(\S+)/.exec(output)![1]!).origin;
    devToken = /development token for it[^\n]*:\n\s+(\S+)/.exec(output)![1]!;
    // The README's curl lines need curl. A machine with nothing but Node may lack it: then a
    // stand-in for the few options the README uses, so that the rest still runs (curl itself is
    // outside what this test checks).
    bin = mkdtempSync(join(tmpdir(), "citygraph-readme-"));
    try {
      await run("curl", ["--version"]);
    } catch {
      const stand = join(bin, "curl");
      writeFileSync(stand, `#!${process.execPath}\n${CURL_STAND_IN}`);
      chmodSync(stand, 0o755);
    }
    Object.assign(env, process.env, {
      PATH: [bin, join(REPO_ROOT, "node_modules", ".bin"), process.env.PATH].join(delimiter),
      CITYGRAPH_URL: `${origin}/graphql`,
    });
  });
  after(async () => {
    if (platform && platform.exitCode === null) {
      const stopped = new Promise((resolve) => platform.once("close", resolve));
      platform.kill("SIGINT");
      await stopped;
    }
    if (bin) rmSync(bin, { recursive: true, force: true });
    await database?.drop();
  });

  it("lists, for each shell block it does not run, the test that does", () => {
    const shell = fencedBlocks(README).filter((b) => b.lang === "sh");
    for (const prefix of Object.keys(RUN_ELSEWHERE))
      assert.ok(
        shell.some((b) => firstCommand(b).startsWith(prefix)),
        `"${prefix}" is no longer in the README: drop it from RUN_ELSEWHERE`,
      );
    assert.ok(shell.filter((b) => !isListed(b)).length >= 4, "the walkthroughs' blocks are run");
  });

  it("runs every shell block and the FirstLook query, in order, with the answers the README promises", async () => {
    const known: Placeholders = {};
    let ran = 0;
    for (const block of fencedBlocks(README)) {
      if (block.lang === "graphql" && /^query FirstLook\b/.test(block.text)) {
        // "npm start prints an 8-hour development token that reads the query below".
        const response = await fetch(`${origin}/graphql`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${devToken}` },
          body: JSON.stringify({ query: block.text }),
        });
        const body = (await response.json()) as { data?: { persons: { nodes: unknown[] } }; errors?: unknown[] };
        assert.equal(body.errors, undefined, `README line ${block.line}: ${JSON.stringify(body.errors)}`);
        assert.equal(body.data?.persons.nodes.length, 3, `README line ${block.line}`);
        ran++;
        continue;
      }
      if (block.lang !== "sh" || isListed(block)) continue;
      for (const command of commandsOf(block)) {
        const filled = fillIn(command, known, origin);
        // `NAME=$(…)` sets a variable for the block's later lines, as the reader's shell would.
        const assignment = /^([A-Z_]+)=\$\((.*)\)$/.exec(filled);
        const script = assignment ? assignment[2]! : filled;
        const where = `README line ${block.line}: ${command}`;
        const { stdout } = await run("sh", ["-c", script], { cwd: REPO_ROOT, env, maxBuffer: 16 << 20 }).catch(
          (error: { code?: number; stdout?: string; stderr?: string }) => {
            assert.fail(`${where}\nexit ${error.code}\n${error.stdout ?? ""}${error.stderr ?? ""}`);
          },
        );
        if (assignment) {
          env[assignment[1]!] = stdout.trim();
          assert.ok(env[assignment[1]!], `${where} printed nothing`);
        }
        if (/^curl /.test(script)) {
          const body = JSON.parse(stdout) as { data?: Record<string, unknown>; errors?: unknown[] };
          assert.equal(body.errors, undefined, `${where}\n${stdout}`);
          assert.ok(body.data && Object.values(body.data).every((value) => value !== null), `${where}\n${stdout}`);
        }
        known.agreementId ??= /^Agreement ([0-9a-f-]{36})$/m.exec(stdout)?.[1];
        known.apiKey = /^(cgk_\S+)$/m.exec(stdout)?.[1] ?? known.apiKey;
        ran++;
      }
    }
    assert.ok(known.agreementId && known.apiKey, "the third-party walkthrough created an agreement and issued its key");
    assert.ok(ran >= 10, `ran ${ran} commands`);
  });
});

/** The stand-in for curl: `-s`, `-H <header>`, `-d <body>` (POST), and one URL. */
const CURL_STAND_IN = `
const args = process.argv.slice(2);
const headers = {};
let body, url;
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === "-s") continue;
  else if (a === "-H") { const h = args[++i]; const c = h.indexOf(":"); headers[h.slice(0, c).trim()] = h.slice(c + 1).trim(); }
  else if (a === "-d") body = args[++i];
  else if (!a.startsWith("-") && !url) url = a;
  else { console.error("curl stand-in: unsupported option " + a); process.exit(2); }
}
fetch(url, { method: body === undefined ? "GET" : "POST", headers, body })
  .then((response) => response.text())
  .then((text) => process.stdout.write(text), (error) => { console.error("curl stand-in: " + error.message); process.exit(7); });
`;
