/**
 * A person's checkpoint-crossings page at a large seed scale (default 500: 1 M persons, 10 M
 * crossings): `--samples` random persons, one request at a time, first at the transport subgraph
 * (an `_entities` request with a gateway token, what the gateway sends it) and then through the
 * gateway with permissions and the ledger on (`person(id) { crossings }`). Reports p50/p95/p99 of
 * each, the subgraph's share, and whether PostgreSQL answered every page from an index (no
 * sequential scan of the crossings table while the samples ran).
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres npm run bench:crossings -- [--scale 500] [--samples 200] [--drop]
 *
 * The seeded database (`citygraph_bench_crossings_<scale>` on that server) is kept for the next
 * run, which resumes or skips the seed; `--drop` removes it at the end.
 */
import { parseArgs } from "node:util";
import pg from "pg";
import {
  INTERNAL_TOKEN_TTL_SECONDS,
  SUBGRAPH_NAMES,
  createDatabase,
  createIdentityVerifier,
  createInternalTokenSigner,
  createLogger,
  databaseExists,
  dropDatabase,
  generateEs256,
  loadRolePolicy,
  signDevToken,
  withDatabase,
  type SubgraphName,
} from "@citygraph/core";
import { migrateAll, policyFilePath, seedAll, startServices, subgraphNames } from "@citygraph/platform";
import { guardProcessExit } from "@citygraph/core/process";

// This process ends with process.exit, which can hang on Node 24 without this (see guardProcessExit).
guardProcessExit();

const { values } = parseArgs({
  options: { scale: { type: "string", default: "500" }, samples: { type: "string", default: "200" }, drop: { type: "boolean", default: false } },
});
const scale = Number(values.scale);
const samples = Number(values.samples);
if (!Number.isInteger(scale) || scale < 1 || !Number.isInteger(samples) || samples < 10) {
  console.error("--scale must be a whole number >= 1 and --samples one >= 10.");
  process.exit(2);
}
const server = process.env.DATABASE_URL;
if (!server) {
  console.error("Set DATABASE_URL to a PostgreSQL server this benchmark may create a database on.");
  process.exit(2);
}

const PAGE = "crossings(first: 20) { nodes { id time direction checkpoint { code } } pageInfo { endCursor hasNextPage } }";
const AT_SUBGRAPH = `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { ${PAGE} } } }`;
const AT_GATEWAY = `query CrossingsPage($id: ID!) { person(id: $id) { ${PAGE} } }`;
const WARM_UP = 10;

const name = `citygraph_bench_crossings_${scale}`;
const log = createLogger({ service: "bench-crossings" }, "error");
const url = (await databaseExists(server, name)) ? withDatabase(server, name) : await createDatabase(server, name);
const urls = Object.fromEntries(subgraphNames().map((n) => [n, url])) as Record<SubgraphName, string>;
try {
  await migrateAll(urls);
  let lastReport = 0;
  const seeded = await seedAll(urls, {
    scale,
    onProgress: (p) => {
      if (Date.now() - lastReport < 10_000) return;
      lastReport = Date.now();
      console.error(`seed: ${p.subgraph} ${p.table} ${p.done}${p.phase === "indexes" ? " (building indexes)" : ""}`);
    },
  });
  console.error(`seed: ${seeded.rowsWritten} rows written in ${(seeded.elapsedMs / 1000).toFixed(0)} s${seeded.rowsWritten ? "" : " (already seeded)"}`);

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { rows: counts } = await client.query<{ persons: string; crossings: string }>(
    `SELECT (SELECT count(*) FROM registry.person)::text AS persons, (SELECT count(*) FROM transport.checkpoint_crossing)::text AS crossings`,
  );
  // A fixed random sample: the same persons in every run at this scale.
  const { rows: picked } = await client.query<{ id: string }>(`SELECT id FROM registry.person ORDER BY md5(id || 'crossings') LIMIT $1`, [samples + WARM_UP]);
  const ids = picked.map((row) => row.id);

  const [identityProvider, gatewayKeys] = await Promise.all([generateEs256(), generateEs256()]);
  const roles = loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES);
  const identity = { keys: { kind: "jwks" as const, jwks: { keys: [identityProvider.publicJwk] } } };
  const services = await startServices({
    databaseUrls: urls,
    port: 0,
    subgraphPort: () => 0,
    log,
    security: { identity, roles, gatewayKeys, subgraphTokenTtlSeconds: INTERNAL_TOKEN_TTL_SECONDS, permissions: { mode: "reject", allowPerRequestMode: true } },
  });
  try {
    // Every sensitive scope, no district scope: each page is a person's whole history.
    const token = await signDevToken(identityProvider.privateJwk, { subject: "bench.crossings", scopes: SUBGRAPH_NAMES.map((owner) => `${owner}:sensitive`) });
    const principal = await createIdentityVerifier({ ...identity, roles, owners: SUBGRAPH_NAMES })(`Bearer ${token}`);
    const sign = createInternalTokenSigner({ gatewayKey: gatewayKeys.privateJwk });
    const transportUrl = services.subgraphs.transport.server.url;

    const seqScans = async () =>
      BigInt(
        (await client.query<{ n: string }>(`SELECT coalesce(seq_scan, 0)::text AS n FROM pg_stat_user_tables WHERE schemaname = 'transport' AND relname = 'checkpoint_crossing'`))
          .rows[0]?.n ?? "0",
      );
    const scansBefore = await seqScans();

    const time = async (send: (id: string) => Promise<Response>) => {
      const times: number[] = [];
      let rows = 0;
      for (const [i, id] of ids.entries()) {
        const started = performance.now();
        const response = await send(id);
        const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
        const elapsed = performance.now() - started;
        if (!response.ok || body.errors) throw new Error(`person ${id}: HTTP ${response.status} ${JSON.stringify(body.errors)}`);
        if (i >= WARM_UP) times.push(elapsed);
        rows += JSON.stringify(body.data).split('"direction"').length - 1;
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
      return { p50: at(0.5), p95: at(0.95), p99: at(0.99), rows };
    };

    const subgraph = await time(async (id) => {
      const operation = { query: AT_SUBGRAPH, variables: { representations: [{ __typename: "Person", id }] } };
      // Signed before the clock starts: the gateway's own signing is in the gateway's figure.
      const internal = await sign(principal, "transport", `bench-crossings-${id}`, operation);
      return fetch(transportUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${internal}` }, body: JSON.stringify(operation) });
    });
    const gateway = await time((id) =>
      fetch(services.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: AT_GATEWAY, variables: { id } }),
      }),
    );
    // The statistics collector publishes a backend's counts when its transaction ends, within ~1 s.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const scans = (await seqScans()) - scansBefore;

    const ms = (v: number) => v.toFixed(1).padStart(7);
    console.log(`a person's crossings page (first 20) at seed scale ${scale}: ${counts[0]!.persons} persons, ${counts[0]!.crossings} crossings`);
    console.log(`${samples} random persons, one request at a time, after ${WARM_UP} warm-up requests; ${subgraph.rows} crossings returned`);
    console.log("where                                     p50 ms  p95 ms  p99 ms");
    console.log(`transport subgraph (_entities, token)   ${ms(subgraph.p50)} ${ms(subgraph.p95)} ${ms(subgraph.p99)}`);
    console.log(`gateway (permissions, ledger on)        ${ms(gateway.p50)} ${ms(gateway.p95)} ${ms(gateway.p99)}`);
    console.log(`subgraph share of the gateway's p50: ${((subgraph.p50 / gateway.p50) * 100).toFixed(0)} %`);
    console.log(`sequential scans of transport.checkpoint_crossing meanwhile: ${scans} (0: every page came from an index)`);
  } finally {
    await services.stop();
    await client.end();
  }
} finally {
  if (values.drop) await dropDatabase(server, name);
}
process.exit(0);
