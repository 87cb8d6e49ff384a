/**
 * Page timings of the governance console's server side: the access-log page (first page, a filtered
 * page, a rare filter) and the overview aggregates, through the gateway as an auditor, over a ledger
 * of `--entries` rows spread over the last 24 hours (the overview's default window, so its
 * aggregates cover every row: the worst case). Reported as p50/p95 and as a ratio of p95 against a
 * baseline measured in the same run (`{ districts { code } }`, a public read), since absolute times
 * depend on the machine.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres node --import tsx bench/console-pages.ts [--entries 1000000] [--samples 40]
 *
 * It creates and drops a database of its own on that server.
 */
import { INTERNAL_TOKEN_TTL_SECONDS } from "@citygraph/core";
import { parseArgs } from "node:util";
import pg from "pg";
import {
  SUBGRAPH_NAMES,
  createDatabase,
  createLogger,
  dropDatabase,
  generateEs256,
  loadRolePolicy,
  signDevToken,
  type SubgraphName,
} from "@citygraph/core";
import { migrateAll, policyFilePath, seedAll, startServices, subgraphNames } from "@citygraph/platform";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

const { values } = parseArgs({ options: { entries: { type: "string", default: "200000" }, samples: { type: "string", default: "40" } } });
const entries = Number(values.entries);
const samples = Number(values.samples);
const server = process.env.DATABASE_URL;
if (!server) {
  console.error("Set DATABASE_URL to a PostgreSQL server this benchmark may create a database on.");
  process.exit(2);
}

const name = `citygraph_bench_console_${process.pid}`;
const log = createLogger({ service: "bench-console" }, "error");
const url = await createDatabase(server, name);
const urls = Object.fromEntries(subgraphNames().map((n) => [n, url])) as Record<SubgraphName, string>;
try {
  await migrateAll(urls);
  await seedAll(urls, { scale: 1 });
  const started = Date.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Synthetic entries in the shape the gateway writes: one in 20 denied (Person.idNumber), one in
  // 5 a personal read of two persons, every 50th under an agreement.
  await client.query(
    `INSERT INTO governance.ledger_entry
       (created_at, body, prev_hash, hash, request_id, principal, agreement_id, purpose, outcome, subjects, coordinates, denied)
     SELECT t, json_build_object('time', t, 'requestId', 'bench-' || g, 'principal', json_build_object('kind', 'user', 'subject', 'official.' || (g % 97)),
              'fields', json_build_array(json_build_object('coordinate', 'Person.name', 'decision', CASE WHEN g % 20 = 0 THEN 'denied' ELSE 'full' END)),
              'subjects', CASE WHEN g % 5 = 0 THEN json_build_array(lpad(to_hex(g), 16, '0'), lpad(to_hex(g + 1), 16, '0')) ELSE '[]'::json END,
              'rowCount', 2, 'outcome', CASE WHEN g % 20 = 0 THEN 'denied' ELSE 'allowed' END, 'latencyMs', 3.5)::text,
            encode(sha256(('p' || g)::bytea), 'hex'), encode(sha256(('h' || g)::bytea), 'hex'), 'bench-' || g, 'user:official.' || (g % 97),
            CASE WHEN g % 50 = 0 THEN '00000000-0000-4000-8000-000000000001'::uuid END, 'epidemic-prevention',
            CASE WHEN g % 20 = 0 THEN 'denied' ELSE 'allowed' END,
            CASE WHEN g % 5 = 0 THEN ARRAY[lpad(to_hex(g), 16, '0'), lpad(to_hex(g + 1), 16, '0')] ELSE '{}'::text[] END,
            ARRAY['Query.persons', 'Person.name', 'Person.idNumber'],
            CASE WHEN g % 20 = 0 THEN ARRAY['Person.idNumber'] ELSE '{}'::text[] END
     FROM generate_series(1, $1::int) AS g, LATERAL (SELECT now() - interval '24 hours' + (g::float / $1) * interval '23 hours 59 minutes' AS t) AS times`,
    [entries],
  );
  await client.query("ANALYZE governance.ledger_entry");
  await client.end();
  console.error(`ledger: ${entries} entries written in ${Date.now() - started} ms`);

  const [identityProvider, gatewayKeys] = await Promise.all([generateEs256(), generateEs256()]);
  const services = await startServices({
    databaseUrls: urls,
    port: 0,
    subgraphPort: () => 0,
    log,
    security: {
      identity: { keys: { kind: "jwks", jwks: { keys: [identityProvider.publicJwk] } } },
      roles: loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES),
      gatewayKeys,
      subgraphTokenTtlSeconds: INTERNAL_TOKEN_TTL_SECONDS,
      permissions: { mode: "reject", allowPerRequestMode: true },
    },
  });
  // An auditor who also administers agreements, for the agreements page's usage chart and the draft
  // wizard's preview.
  const token = await signDevToken(identityProvider.privateJwk, { subject: "auditor.bench", scopes: ["audit:read", "governance:admin"] });
  const pages: Record<string, string> = {
    baseline: "{ districts { code } }",
    "access log, first page": "{ accessLog(first: 25) { nodes { seq time outcome fields { coordinate decision } } pageInfo { endCursor } } }",
    "access log, outcome DENIED": "{ accessLog(first: 25, outcome: DENIED) { nodes { seq } } }",
    "access log, one subject": `{ accessLog(first: 25, subject: "${(entries - (entries % 5)).toString(16).padStart(16, "0")}") { nodes { seq } } }`,
    "overview (24 h)": "{ accessOverview { timeline { start requests } personalReadsByDepartment { key requests } topDeniedCoordinates { coordinate attempts } } }",
    "overview, anomalies (1 h)": "{ accessAnomalies { anomalies { principal reads usualPerHour } } }",
    "overview, ledger integrity": "{ ledgerIntegrity { headSeq checkpointSeq lastVerification { id } } }",
    "subject report": `{ subjectAccessReport(personId: "${(entries - (entries % 5)).toString(16).padStart(16, "0")}") { nodes { seq time purpose } } }`,
    "agreement usage (30 days)": '{ agreementUsage(agreementId: "00000000-0000-4000-8000-000000000001") { requests byDay { date outcome requests } } }',
    "draft wizard, grant preview": '{ agreementGrantPreview(scopes: ["registry:personal"], allowedFields: ["Person.name"]) { fields { coordinate access } problem } }',
  };
  const results: { page: string; p50: number; p95: number }[] = [];
  for (const [page, query] of Object.entries(pages)) {
    const times: number[] = [];
    for (let i = 0; i < samples + 3; i++) {
      const t0 = performance.now();
      const response = await fetch(services.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: unknown[] };
      if (body.errors) throw new Error(`${page}: ${JSON.stringify(body.errors)}`);
      if (i >= 3) times.push(performance.now() - t0); // three warm-up requests
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
    results.push({ page, p50: at(0.5), p95: at(0.95) });
  }
  await services.stop();
  const base = results[0]!.p95;
  console.log(`console pages over ${entries} ledger entries, ${samples} sequential requests each (auditor token, through the gateway)`);
  console.log("page                           p50 ms   p95 ms   p95 / baseline p95");
  for (const r of results) {
    console.log(`${r.page.padEnd(30)} ${r.p50.toFixed(1).padStart(6)}   ${r.p95.toFixed(1).padStart(6)}   ${(r.p95 / base).toFixed(1).padStart(6)}x`);
  }
} finally {
  await dropDatabase(server, name);
}
