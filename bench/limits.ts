/**
 * `npm run bench:limits`: how long the gateway takes to judge hostile documents against their
 * caller's budget, and whether `/healthz` stays quick while 16 connections send them.
 *
 * Part 1 judges each document in process (the same `createOperationJudge` the gateway runs in its
 * HTTP `prepare` step), against the README benchmark query's judging time in the same run.
 * Part 2 starts a real gateway in its own process (no subgraphs are needed: every document is
 * refused before planning), loads it with the documents from 16 connections, anonymous and then
 * signed in, and samples `/healthz` meanwhile.
 * Goals (issue 7): any document up to the body limit judged in ≤ 50 ms; `/healthz` ≤ 100 ms.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { buildSchema } from "graphql";
import { SUBGRAPH_NAMES, createLogger, generateEs256, loadRolePolicy, signDevToken } from "@citygraph/core";
import { policyFilePath } from "@citygraph/platform";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph, API_SCHEMA_PATH } from "@citygraph/supergraph";
import { createOperationJudge, normalizeOperationLimits } from "../services/gateway/src/limits/index.ts";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

/** The gateway's body limit, less room for the JSON around the document. */
const MAX_DOCUMENT = 1024 * 1024 - 1024;

function doubledFragments(levels: number): string {
  const fragments = Array.from({ length: levels }, (_, i) => `fragment F${i} on District { code ${i < levels - 1 ? `...F${i + 1} ...F${i + 1}` : ""} }`);
  return `{ districts { ...F0 } }\n${fragments.join("\n")}`;
}
/** As many aliases of `selection` as fit in `bytes`. */
function aliasesUpTo(bytes: number, selection: string): string {
  const parts: string[] = [];
  let size = 4;
  for (let i = 0; size < bytes - 64; i++) {
    const part = `a${i}: ${selection} `;
    parts.push(part);
    size += part.length;
  }
  return `{ ${parts.join("")}}`;
}

const DOCUMENTS: Record<string, string> = {
  "benchmark query (baseline)": readFileSync(new URL("./README.md", import.meta.url), "utf8").match(/```graphql\n([\s\S]*?)```/)?.[1] ?? "{ districts { code } }",
  "doubled fragments, 22 levels": doubledFragments(22),
  "doubled fragments, 40 levels": doubledFragments(40),
  "aliases of districts, 1 MiB": aliasesUpTo(MAX_DOCUMENT, "districts { code }"),
  "aliases of persons(first: 100), 1 MiB": aliasesUpTo(MAX_DOCUMENT, "persons(first: 100) { nodes { id } }"),
  "one string literal, 1 MiB": `{ districts(code: "${"x".repeat(MAX_DOCUMENT - 64)}") { code } }`,
  "nested lists, huge cost": "{ persons(first: 100) { nodes { id crossings(first: 100) { nodes { id } } } } }",
};

async function judgeTimes(): Promise<{ name: string; kind: string; code: string; medianMs: number; maxMs: number }[]> {
  const judge = createOperationJudge(normalizeOperationLimits(undefined));
  const schema = buildSchema(readFileSync(API_SCHEMA_PATH, "utf8"));
  // The plugin normally receives the schema from Apollo; hand it over the same way.
  const listener = await judge.plugin.serverWillStart!({} as never);
  listener?.schemaDidLoadOrUpdate?.({ apiSchema: schema, coreSupergraphSdl: "" });
  const rows = [];
  for (const [name, source] of Object.entries(DOCUMENTS)) {
    for (const kind of ["anonymous", "user"] as const) {
      const times: number[] = [];
      let code = "accepted";
      for (let i = 0; i < 30; i++) {
        const started = performance.now();
        const refusal = judge.judge(kind, { source, variables: undefined });
        times.push(performance.now() - started);
        code = refusal?.code ?? "accepted";
      }
      times.sort((a, b) => a - b);
      rows.push({ name, kind, code, medianMs: times[15]!, maxMs: times.at(-1)! });
    }
  }
  return rows;
}

/** Part 2's gateway, in a process of its own as in production (`--serve`): prints its URL and a user token. */
async function serve(): Promise<void> {
  const [identityProvider, gatewayKeys] = await Promise.all([generateEs256(), generateEs256()]);
  const gateway = await createGateway({
    supergraphSdl: loadSupergraph(),
    // Never reached: every document below is refused before planning.
    subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, "http://127.0.0.1:9/graphql"])),
    identity: { keys: { kind: "jwks", jwks: { keys: [identityProvider.publicJwk] } } },
    roles: loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES),
    signingKey: gatewayKeys.privateJwk,
    ledger: { kind: "off", acknowledged: "development only" },
    explorer: false,
    log: createLogger({ service: "bench" }, "error"),
  });
  const { url } = await gateway.listen(0, "127.0.0.1");
  const token = await signDevToken(identityProvider.privateJwk, { subject: "bench", scopes: ["role:app-developer"], ttl: "1h" });
  process.stdout.write(`${JSON.stringify({ url, token })}\n`);
  process.stdin.resume();
  process.stdin.on("end", () => void gateway.close().then(() => process.exit(0)));
}

interface Health {
  p50: number;
  p99: number;
  max: number;
  samples: number;
  attackRequests: number;
}

/**
 * Samples `/healthz` every 20 ms while 16 connections send the hostile documents. The gateway runs
 * in a child process (one core), the load generator and the sampler here (the other): in one
 * process autocannon's own work on 1 MiB bodies would sit in the gateway's event loop.
 */
async function healthUnderAttack(): Promise<{ quiet: number; anonymous: Health; user: Health }> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--serve"], { stdio: ["pipe", "pipe", "inherit"] });
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]!) as { url: string; token: string });
    });
    child.once("exit", (code) => reject(new Error(`the bench gateway exited (${code})`)));
  });
  const healthz = new URL("/healthz", url).toString();
  const sample = async (until: () => boolean) => {
    const times: number[] = [];
    while (!until()) {
      const started = performance.now();
      await fetch(healthz).then((r) => r.arrayBuffer());
      times.push(performance.now() - started);
      await sleep(20);
    }
    return times.sort((a, b) => a - b);
  };
  const at = (times: number[], q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  let quiet = false;
  const baseline = sample(() => quiet);
  await sleep(1_000);
  quiet = true;
  const baselineTimes = await baseline;
  const flood = async (headers: Record<string, string>): Promise<Health> => {
    const attacks = Object.entries(DOCUMENTS)
      .filter(([name]) => !name.includes("baseline"))
      .map(([, query]) => ({ method: "POST" as const, path: "/graphql", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) }));
    let done = false;
    const during = sample(() => done);
    // In a worker thread: its own work on 1 MiB bodies would otherwise delay the sampler here.
    const result = await autocannon({ url, connections: 16, duration: 10, requests: attacks, workers: 1 });
    done = true;
    const times = await during;
    return { p50: at(times, 0.5), p99: at(times, 0.99), max: times.at(-1)!, samples: times.length, attackRequests: result.requests.total };
  };
  const anonymous = await flood({});
  const user = await flood({ authorization: `Bearer ${token}` });
  child.stdin!.end();
  await new Promise((resolve) => child.once("exit", resolve));
  return { quiet: at(baselineTimes, 0.5), anonymous, user };
}

if (process.argv.includes("--serve")) {
  await serve();
} else {
  const rows = await judgeTimes();
  const baseline = rows.find((r) => r.name.includes("baseline") && r.kind === "user")!.medianMs;
  console.log("Judging documents against their caller's budget (30 runs each; goal: ≤ 50 ms)\n");
  console.log("| document | caller | verdict | median ms | max ms | × benchmark query |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const r of rows) {
    console.log(`| ${r.name} | ${r.kind} | ${r.code} | ${r.medianMs.toFixed(2)} | ${r.maxMs.toFixed(2)} | ${(r.medianMs / baseline).toFixed(1)} |`);
  }
  const worst = Math.max(...rows.map((r) => r.maxMs));
  console.log(`\nslowest judgement: ${worst.toFixed(2)} ms ${worst <= 50 ? "(within 50 ms)" : "(OVER the 50 ms goal)"}`);
  const health = await healthUnderAttack();
  console.log(`\n/healthz while 16 connections send the documents above for 10 s each (quiet: p50 ${health.quiet.toFixed(1)} ms; goal: ≤ 100 ms)\n`);
  console.log("| attackers | requests refused | p50 ms | p99 ms | max ms | samples |");
  console.log("| --- | --- | --- | --- | --- | --- |");
  for (const [who, h] of [["anonymous", health.anonymous], ["signed-in user", health.user]] as const) {
    console.log(`| ${who} | ${h.attackRequests} | ${h.p50.toFixed(1)} | ${h.p99.toFixed(1)} | ${h.max.toFixed(1)} | ${h.samples} |`);
  }
  process.exit(worst <= 50 && health.anonymous.max <= 100 && health.user.max <= 100 ? 0 : 1);
}
