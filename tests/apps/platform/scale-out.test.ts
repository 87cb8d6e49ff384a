import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { SUBGRAPH_NAMES, type SubgraphName } from "@citygraph/core";
import { generateApiKey } from "@citygraph/agreements";
import { verifyLedger } from "@citygraph/ledger";
import { REPO_ROOT, freePort, migrateAll, seedAll } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { spawnSubgraph, type SubgraphProcess } from "../../support/subgraph-process.ts";
import { testSecurity } from "../../support/security.ts";
import { testRedis, type TestRedis } from "../../support/redis.ts";

const OPERATION = `query ScaleOutPersons($district: String) {
  persons(district: $district, first: 3) { nodes { id name phone } }
}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** A gateway as its own process (`citygraph serve gateway`), as each replica of a deployment runs. */
interface GatewayProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/**
 * The platform scaled out as a deployment runs it: two gateway processes and a process per
 * subgraph over one PostgreSQL and one Redis. Needs a Redis: one found at REDIS_URL or
 * 127.0.0.1:6379, or a `redis-server` it starts (see tests/support/redis.ts); without either it
 * is skipped, saying so.
 */
describe("two gateways over one PostgreSQL and one Redis", async () => {
  const redis: TestRedis = await testRedis();
  let database: TestDatabase;
  let pool: pg.Pool;
  let subgraphs: Partial<Record<SubgraphName, SubgraphProcess>> = {};
  const gateways: GatewayProcess[] = [];
  const dirs: string[] = [];

  async function spawnGateway(redisUrl: string, extra: { args?: string[]; env?: Record<string, string> } = {}): Promise<GatewayProcess> {
    const { gatewayKeys } = await testSecurity();
    const dir = mkdtempSync(join(tmpdir(), "citygraph-gateway-"));
    dirs.push(dir);
    const keyFile = join(dir, "gateway.jwk");
    writeFileSync(keyFile, JSON.stringify(gatewayKeys.privateJwk), { mode: 0o600 });
    const child = spawn(process.execPath, ["bin/citygraph.mjs", "serve", "gateway", ...(extra.args ?? [])], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        ...Object.fromEntries(SUBGRAPH_NAMES.map((name) => [`SUBGRAPH_URL_${name.toUpperCase()}`, subgraphs[name]!.url])),
        DATABASE_URL_GOVERNANCE: database.url,
        REDIS_URL: redisUrl,
        CITYGRAPH_GATEWAY_KEY_FILE: keyFile,
        CITYGRAPH_DATA_DIR: dir,
        CITYGRAPH_ANCHOR_FILE: "off",
        CITYGRAPH_OPS_PORT: "off",
        PORT: "0",
        LOG_LEVEL: "info",
        ...extra.env,
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let output = "";
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`gateway not listening in 120 s:\n${output}`)), 120_000);
      child.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        const line = output.split("\n").find((l) => l.includes('"message":"listening"'));
        const match = line ? /"url":"([^"]+)"/.exec(line) : null;
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      void exited.then((code) => reject(new Error(`gateway exited with ${code}:\n${output}`)));
    });
    const gateway = { child, url, output: () => output, exited };
    gateways.push(gateway);
    return gateway;
  }

  /** An ACTIVE agreement with the operation registered and a key, written as administrators would. */
  async function seedAgreement(requestsPerMinute: number): Promise<{ key: string; keyId: string; agreementId: string }> {
    const org = randomUUID();
    const agreementId = randomUUID();
    const generated = generateApiKey();
    await pool.query("INSERT INTO governance.organization (id, name, credit_code) VALUES ($1, '郑州某数据服务有限公司', $2)", [
      org,
      `91410105${randomBytes(5).toString("hex").toUpperCase()}`.slice(0, 18),
    ]);
    await pool.query(
      `INSERT INTO governance.agreement (id, organization_id, title, purposes, legal_basis, scopes, allowed_fields, districts,
         valid_from, valid_until, requests_per_minute, records_per_day, status, created_by, approved_by, approved_at)
       VALUES ($1, $2, 'scale-out', '{epidemic-prevention}', '《数据安全法》第三十九条', '{registry:internal,registry:personal:masked}', '{}', '{}',
         now() - interval '1 day', now() + interval '1 day', $3, 1000000, 'ACTIVE', 'admin-a', 'admin-b', now())`,
      [agreementId, org, requestsPerMinute],
    );
    await pool.query(
      "INSERT INTO governance.agreement_operation (agreement_id, name, sha256, document, registered_by) VALUES ($1, 'ScaleOutPersons', $2, $3, 'admin-a')",
      [agreementId, sha256(OPERATION), OPERATION],
    );
    await pool.query("INSERT INTO governance.api_key (id, agreement_id, secret_hash, created_by) VALUES ($1, $2, $3, 'admin-a')", [
      generated.id,
      agreementId,
      generated.secretHash,
    ]);
    return { key: generated.key, keyId: generated.id, agreementId };
  }

  async function call(gateway: GatewayProcess, key: string): Promise<{ status: number; code?: string; requestId: string; persons: number }> {
    const response = await fetch(gateway.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key, "x-purpose": "epidemic-prevention" },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OPERATION) } }, variables: { district: "410105" } }),
    });
    const body = (await response.json()) as { data?: { persons?: { nodes: unknown[] } }; errors?: { extensions?: { code?: string } }[] };
    return {
      status: response.status,
      code: body.errors?.[0]?.extensions?.code,
      requestId: response.headers.get("x-request-id") ?? "",
      persons: body.data?.persons?.nodes.length ?? 0,
    };
  }

  before(async () => {
    if (redis.kind !== "ready") return;
    const template = process.env.CITYGRAPH_TEST_TEMPLATE;
    database = await createTestDatabase({ template });
    if (!template) {
      const urls = Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, database.url])) as Record<SubgraphName, string>;
      await migrateAll(urls);
      await seedAll(urls, { scale: 1 });
    }
    pool = new pg.Pool({ connectionString: database.url, max: 2 });
    const started = await Promise.all(SUBGRAPH_NAMES.map(async (name) => [name, await spawnSubgraph(name, database.url)] as const));
    subgraphs = Object.fromEntries(started);
    await Promise.all([spawnGateway(redis.url), spawnGateway(redis.url)]);
  });

  after(async () => {
    for (const gateway of gateways) if (gateway.child.exitCode === null && gateway.child.signalCode === null) gateway.child.kill("SIGKILL");
    await Promise.all(gateways.map((g) => g.exited));
    await Promise.all(Object.values(subgraphs).map((s) => s.kill()));
    await pool?.end();
    await database?.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    if (redis.kind === "ready") await redis.stop();
  });

  const skip = redis.kind === "ready" ? false : redis.reason;

  it("share one agreement's quota: the limit holds across both, whichever gateway a request reaches", { skip }, async () => {
    const limit = 4;
    // Quota windows are clock minutes: start where the burst cannot straddle two of them, and
    // if a slow machine still crossed one, try again in the next (the assertion is exact).
    for (let attempt = 0; ; attempt++) {
      if (Date.now() % 60_000 > 45_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 100));
      const { key } = await seedAgreement(limit);
      const minute = Math.floor(Date.now() / 60_000);
      const results = [];
      for (let i = 0; i < 2 * limit; i++) results.push(await call(gateways[i % 2]!, key));
      if (Math.floor(Date.now() / 60_000) !== minute && attempt < 2) continue;
      assert.deepEqual(
        results.map((r) => r.status),
        [...Array(limit).fill(200), ...Array(limit).fill(429)],
        JSON.stringify(results),
      );
      assert.ok(results.slice(limit).every((r) => r.code === "QUOTA_EXCEEDED"));
      assert.ok(results.slice(0, limit).every((r) => r.persons > 0));
      return;
    }
  });

  it("apply a revocation on the very next request at both gateways", { skip }, async () => {
    const { key, keyId } = await seedAgreement(1000);
    for (const gateway of gateways) assert.equal((await call(gateway, key)).status, 200);
    await pool.query("UPDATE governance.api_key SET revoked_at = now() WHERE id = $1", [keyId]);
    for (const gateway of gateways) {
      const refused = await call(gateway, key);
      assert.equal(refused.status, 401);
      assert.equal(refused.code, "API_KEY_INVALID");
    }
  });

  it("append to one ledger chain that verifies, and a gateway killed outright loses none of the reads it answered", { skip }, async () => {
    const { key, keyId } = await seedAgreement(1000);
    const answered: string[] = [];
    for (let i = 0; i < 12; i++) {
      const result = await call(gateways[i % 2]!, key);
      assert.equal(result.status, 200);
      answered.push(result.requestId);
    }
    // SIGKILL: no shutdown hook runs. Personal data is answered only once its entry is committed.
    const killed = gateways[1]!;
    killed.child.kill("SIGKILL");
    await killed.exited;
    const { rows } = await pool.query<{ request_id: string }>("SELECT request_id FROM governance.ledger_entry WHERE principal = $1", [`agreement:${keyId}`]);
    const recorded = new Set(rows.map((r) => r.request_id));
    assert.deepEqual(
      answered.filter((id) => !recorded.has(id)),
      [],
      "every answered request is in the ledger",
    );
    // The survivor keeps appending to the same chain, and the whole chain verifies.
    assert.equal((await call(gateways[0]!, key)).status, 200);
    const verification = await verifyLedger(pool, (await testSecurity()).gatewayKeys.publicJwk);
    assert.equal(verification.breakCount, 0, JSON.stringify(verification.breaks.slice(0, 3)));
    assert.ok(verification.ok);
    assert.ok(verification.entries >= answered.length + 1);
  });

  it("run a gateway as two worker processes on one port, whose /metrics sums both", { skip }, async () => {
    const opsPort = await freePort();
    const gateway = await spawnGateway(redis.kind === "ready" ? redis.url : "", {
      args: ["--workers", "2"],
      env: { PORT: String(await freePort()), CITYGRAPH_OPS_PORT: String(opsPort) },
    });
    const { key } = await seedAgreement(1000);
    const pids = new Set<string>();
    for (let i = 0; i < 16; i++) {
      assert.equal((await call(gateway, key)).status, 200);
    }
    for (const line of gateway.output().split("\n").filter((l) => l.includes('"message":"listening"'))) pids.add(/"pid":(\d+)/.exec(line)?.[1] ?? "");
    assert.equal(pids.size, 2, "two worker processes listen");
    const metrics = await (await fetch(`http://127.0.0.1:${opsPort}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
    const served = [...metrics.matchAll(/^citygraph_graphql_requests_total\{[^}]*service="gateway"[^}]*\} (\d+)/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
    assert.ok(served >= 16, `the primary's /metrics counts both workers' requests (${served})`);
    gateway.child.kill("SIGTERM");
    // 143: stopped by SIGTERM, after its workers (as a single gateway process answers it too).
    assert.equal(await gateway.exited, 143, "the primary stops its workers and exits cleanly");
  });
});
