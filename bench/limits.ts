/**
 * `npm run bench:limits`: how long the gateway takes to judge hostile documents against their
 * caller's budget, and whether `/healthz` stays quick while 16 connections send them.
 *
 * Part 1 judges each document in process (the same `createOperationJudge` the gateway runs in its
 * HTTP `prepare` step), against the README benchmark query's judging time in the same run.
 * Part 2 starts a real gateway (no subgraphs are needed: every document is refused before
 * planning), loads it with the documents from 16 connections, and samples `/healthz` meanwhile.
 * Goals (issue 7): any document up to the body limit judged in ≤ 50 ms; `/healthz` ≤ 100 ms.
 */
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { buildSchema } from "graphql";
import { SUBGRAPH_NAMES, createLogger, generateEs256, loadRolePolicy } from "@citygraph/core";
import { policyFilePath } from "@citygraph/platform";
import { createGateway } from "../gateway/src/server.ts";
import { loadSupergraph, API_SCHEMA_PATH } from "../gateway/src/supergraph.ts";
import { createOperationJudge, normalizeOperationLimits } from "../gateway/src/limits/index.ts";

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

async function healthUnderAttack(): Promise<{ healthz: { p50: number; p99: number; max: number; samples: number }; attackRequests: number; baselineHealthz: number }> {
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
  let quiet = false;
  const baseline = sample(() => quiet);
  await sleep(1_000);
  quiet = true;
  const baselineTimes = await baseline;
  const attacks = Object.entries(DOCUMENTS)
    .filter(([name]) => !name.includes("baseline"))
    .map(([, query]) => ({ method: "POST" as const, path: "/graphql", headers: { "content-type": "application/json" }, body: JSON.stringify({ query }) }));
  let done = false;
  const during = sample(() => done);
  const result = await autocannon({ url, connections: 16, duration: 10, requests: attacks });
  done = true;
  const times = await during;
  await gateway.close();
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return {
    healthz: { p50: at(0.5), p99: at(0.99), max: times.at(-1)!, samples: times.length },
    attackRequests: result.requests.total,
    baselineHealthz: baselineTimes[Math.floor(baselineTimes.length / 2)]!,
  };
}

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
console.log(
  `\n/healthz while 16 connections send the documents above for 10 s (${health.attackRequests} refused): ` +
    `p50 ${health.healthz.p50.toFixed(1)} ms, p99 ${health.healthz.p99.toFixed(1)} ms, max ${health.healthz.max.toFixed(1)} ms ` +
    `over ${health.healthz.samples} samples (quiet: p50 ${health.baselineHealthz.toFixed(1)} ms; goal: ≤ 100 ms)`,
);
process.exit(worst <= 50 && health.healthz.max <= 100 ? 0 : 1);
