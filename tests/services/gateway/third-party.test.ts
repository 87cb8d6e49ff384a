import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { generateApiKey } from "@citygraph/agreements";
import { createServer, type AddressInfo } from "node:net";
import { createLogger, type Logger } from "@citygraph/core";
import { createGateway, type GatewayApp } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { createTestGateway, postGraphQL, startStack, type TestStack } from "../../support/stack.ts";
import { testSecurity } from "../../support/security.ts";
import { testRedis } from "../../support/redis.ts";

const OPERATION = `query ThirdPartyPersons($district: String) {
  persons(district: $district, first: 5) { nodes { id name phone district { code } } }
}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

interface Seeded {
  agreementId: string;
  key: string;
  keyId: string;
}

describe("third parties under data-operation agreements", () => {
  let stack: TestStack;
  let pool: pg.Pool;

  /** Writes an organization, an agreement with one persisted operation, and an API key, as an administrator would. */
  async function seedAgreement(overrides: Partial<Record<string, unknown>> = {}): Promise<Seeded> {
    const org = randomUUID();
    const agreementId = randomUUID();
    // A key as governance issues it: the gateway refuses any other shape as malformed.
    const generated = generateApiKey();
    const keyId = generated.id;
    const secret = generated.key.slice(keyId.length + 1);
    const a = {
      status: "ACTIVE",
      purposes: ["epidemic-prevention"],
      scopes: ["registry:internal", "registry:personal:masked"],
      allowedFields: [] as string[],
      districts: [] as string[],
      validFrom: new Date(Date.now() - 86_400_000),
      validUntil: new Date(Date.now() + 86_400_000),
      requestsPerMinute: 100,
      recordsPerDay: 100_000,
      ...overrides,
    };
    await pool.query(
      "INSERT INTO governance.organization (id, name, credit_code) VALUES ($1, '郑州某数据服务有限公司', $2)",
      [org, `91410105${randomBytes(5).toString("hex").toUpperCase()}`.slice(0, 18)],
    );
    await pool.query(
      `INSERT INTO governance.agreement (id, organization_id, title, purposes, legal_basis, scopes, allowed_fields, districts,
         valid_from, valid_until, requests_per_minute, records_per_day, status, created_by, approved_by, approved_at)
       VALUES ($1, $2, 'test', $3, '《数据安全法》第三十九条', $4, $5, $6, $7, $8, $9, $10, $11, 'admin-a', 'admin-b', now())`,
      [agreementId, org, a.purposes, a.scopes, a.allowedFields, a.districts, a.validFrom, a.validUntil, a.requestsPerMinute, a.recordsPerDay, a.status],
    );
    await pool.query(
      "INSERT INTO governance.agreement_operation (agreement_id, name, sha256, document, registered_by) VALUES ($1, 'ThirdPartyPersons', $2, $3, 'admin-a')",
      [agreementId, sha256(OPERATION), OPERATION],
    );
    await pool.query("INSERT INTO governance.api_key (id, agreement_id, secret_hash, created_by) VALUES ($1, $2, $3, 'admin-a')", [
      keyId,
      agreementId,
      sha256(secret),
    ]);
    return { agreementId, keyId, key: `${keyId}.${secret}` };
  }

  async function call(url: string, headers: Record<string, string>, body: Record<string, unknown> = persisted()) {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
    return { status: response.status, retryAfter: response.headers.get("retry-after"), requestId: response.headers.get("x-request-id")!, body: (await response.json()) as {
      data?: { persons: { nodes: Record<string, string | { code: string } | null>[] } };
      errors?: { message: string; extensions?: { code?: string } }[];
    } };
  }

  function persisted(variables: Record<string, unknown> = {}) {
    return { extensions: { persistedQuery: { version: 1, sha256Hash: sha256(OPERATION) } }, variables };
  }

  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
  });
  after(async () => {
    await pool.end();
    await stack.stop();
  });

  it("runs an agreement's persisted operation with its grants: masked values", async () => {
    const { key } = await seedAgreement();
    const result = await call(stack.gatewayUrl, { "x-api-key": key, "x-purpose": "epidemic-prevention" });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    const nodes = result.body.data!.persons.nodes;
    assert.equal(nodes.length, 5);
    for (const node of nodes) {
      assert.match(String(node.name), /^\p{Script=Han}{1,2}\*+$/u);
      assert.match(String(node.phone), /^\d{3}\*{4}\d{4}$/);
    }
  });

  it("accepts the key as Authorization: ApiKey too, and limits rows to the agreement's districts", async () => {
    const { key } = await seedAgreement({ districts: ["410105"] });
    const result = await call(stack.gatewayUrl, { authorization: `ApiKey ${key}`, "x-purpose": "epidemic-prevention" });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.ok(result.body.data!.persons.nodes.every((n) => (n.district as { code: string }).code === "410105"));
  });

  it("gives third parties no partial results: asking for them still refuses the whole operation", async () => {
    const { key } = await seedAgreement({
      scopes: ["registry:sensitive"],
      allowedFields: ["Query.persons", "Person.name", "Person.district"],
    });
    const result = await call(stack.gatewayUrl, { "x-api-key": key, "x-purpose": "epidemic-prevention", "x-citygraph-denied-fields": "null" });
    assert.equal(result.status, 403);
    assert.equal(result.body.data, undefined);
  });

  it("refuses fields outside the agreement's field list even when its scopes grant them", async () => {
    const { key } = await seedAgreement({
      scopes: ["registry:sensitive"],
      allowedFields: ["Query.persons", "Person.name", "Person.district"],
    });
    const result = await call(stack.gatewayUrl, { "x-api-key": key, "x-purpose": "epidemic-prevention" });
    assert.equal(result.status, 403);
    assert.equal(result.body.errors?.[0]?.extensions?.code, "FORBIDDEN");
    assert.match(JSON.stringify(result.body.errors), /Person\.phone/);
    assert.doesNotMatch(JSON.stringify(result.body.errors), /Person\.name/);
  });

  const refusals: [string, (s: Seeded) => Promise<[Record<string, string>, Record<string, unknown>?]>, number, string][] = [
    ["a purpose without a key", async () => [{ "x-purpose": "epidemic-prevention" }], 401, "API_KEY_MISSING"],
    ["an unknown key", async () => [{ "x-api-key": `cgk_aaaaaaaaaaaa.${"x".repeat(43)}`, "x-purpose": "epidemic-prevention" }], 401, "API_KEY_INVALID"],
    ["a wrong secret", async (s) => [{ "x-api-key": `${s.keyId}.${"y".repeat(43)}`, "x-purpose": "epidemic-prevention" }], 401, "API_KEY_INVALID"],
    ["a missing purpose", async (s) => [{ "x-api-key": s.key }], 400, "PURPOSE_REQUIRED"],
    ["a purpose the agreement does not cover", async (s) => [{ "x-api-key": s.key, "x-purpose": "marketing" }], 403, "PURPOSE_NOT_PERMITTED"],
    [
      "a free-form query",
      async (s) => [{ "x-api-key": s.key, "x-purpose": "epidemic-prevention" }, { query: "{ persons(first: 1) { nodes { idNumber } } }" }],
      403,
      "OPERATION_NOT_PERSISTED",
    ],
  ];
  for (const [name, setup, status, code] of refusals) {
    it(`refuses ${name} with ${code}`, async () => {
      const seeded = await seedAgreement();
      const [headers, body] = await setup(seeded);
      const result = await call(stack.gatewayUrl, headers, body);
      assert.equal(result.status, status);
      assert.equal(result.body.errors?.[0]?.extensions?.code, code);
      assert.equal(result.body.data, undefined);
    });
  }

  it("refuses draft, suspended, revoked and expired agreements, and a revoked key", async () => {
    const headers = (s: Seeded) => ({ "x-api-key": s.key, "x-purpose": "epidemic-prevention" });
    for (const status of ["DRAFT", "SUSPENDED", "REVOKED"]) {
      const result = await call(stack.gatewayUrl, headers(await seedAgreement({ status })));
      assert.equal(result.body.errors?.[0]?.extensions?.code, "AGREEMENT_INACTIVE", status);
      assert.equal(result.status, 403);
    }
    const expired = await seedAgreement({ validUntil: new Date(Date.now() - 1000) });
    assert.equal((await call(stack.gatewayUrl, headers(expired))).body.errors?.[0]?.extensions?.code, "AGREEMENT_EXPIRED");
    // Past its end date a suspended agreement is EXPIRED, as administrators see it too, not "suspended".
    const suspendedPast = await seedAgreement({ status: "SUSPENDED", validUntil: new Date(Date.now() - 1000) });
    const refusal = (await call(stack.gatewayUrl, headers(suspendedPast))).body.errors?.[0];
    assert.equal(refusal?.extensions?.code, "AGREEMENT_EXPIRED");
    assert.doesNotMatch(refusal?.message ?? "", /suspended/);
    const early = await seedAgreement({ validFrom: new Date(Date.now() + 3_600_000) });
    assert.equal((await call(stack.gatewayUrl, headers(early))).body.errors?.[0]?.extensions?.code, "AGREEMENT_EXPIRED");
    const revokedKey = await seedAgreement();
    await pool.query("UPDATE governance.api_key SET revoked_at = now() WHERE id = $1", [revokedKey.keyId]);
    assert.equal((await call(stack.gatewayUrl, headers(revokedKey))).body.errors?.[0]?.extensions?.code, "API_KEY_INVALID");
  });

  it("applies a suspension on the very next request", async () => {
    const seeded = await seedAgreement();
    const headers = { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" };
    assert.equal((await call(stack.gatewayUrl, headers)).status, 200);
    await pool.query("UPDATE governance.agreement SET status = 'SUSPENDED' WHERE id = $1", [seeded.agreementId]);
    const refused = await call(stack.gatewayUrl, headers);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "AGREEMENT_INACTIVE");
  });

  /** Two more gateway instances over the same stack's subgraphs and governance database. */
  async function twoInstances(redisUrl?: string): Promise<{ urls: string[]; close(): Promise<void> }> {
    const security = await testSecurity();
    const subgraphUrls = Object.fromEntries(Object.entries(stack.services.subgraphs).map(([n, s]) => [n, s.server.url]));
    const instances: GatewayApp[] = [];
    const urls: string[] = [];
    for (let i = 0; i < 2; i++) {
      const gateway = await createGateway({
        supergraphSdl: loadSupergraph(),
        subgraphUrls,
        identity: security.identity,
        roles: security.roles,
        signingKey: security.gatewayKeys.privateJwk,
        governance: { databaseUrl: stack.database.url, ...(redisUrl ? { redisUrl } : {}) },
        log: createLogger({ test: true }, "error"),
        explorer: false,
      });
      instances.push(gateway);
      urls.push((await gateway.listen(0)).url);
    }
    return { urls, close: () => Promise.all(instances.map((g) => g.close())).then(() => undefined) };
  }

  /** The ledger entry of one request (entries without personal data are written just after the response). */
  async function ledgerEntry(requestId: string): Promise<{ outcome: string; body: string }> {
    for (let i = 0; i < 100; i++) {
      const { rows } = await pool.query<{ outcome: string; body: string }>(
        "SELECT outcome, body FROM governance.ledger_entry WHERE request_id = $1",
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`no ledger entry for request ${requestId}`);
  }

  it("withholds a response that carries more records than the day has left: 429, Retry-After, no data, in the ledger", async () => {
    const seeded = await seedAgreement({ recordsPerDay: 3 });
    const refused = await call(stack.gatewayUrl, { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" });
    // The operation returns 5 persons: more than the 3 records of the day, so none of them is sent.
    assert.equal(refused.status, 429, JSON.stringify(refused.body));
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "QUOTA_EXCEEDED");
    assert.equal(refused.body.data, undefined);
    assert.doesNotMatch(JSON.stringify(refused.body), /\*{4}/, "no masked value leaks into the refusal");
    assert.ok(Number(refused.retryAfter) > 0 && Number(refused.retryAfter) <= 86_400);
    const entry = await ledgerEntry(refused.requestId);
    assert.equal(entry.outcome, "refused");
    assert.equal(JSON.parse(entry.body).refusal, "QUOTA_EXCEEDED");
    assert.equal(JSON.parse(entry.body).rowCount, 0);
    assert.deepEqual(JSON.parse(entry.body).subjects, [], "nobody's data left the gateway");
  });

  it("refuses before executing once the day's records are used up", async () => {
    const seeded = await seedAgreement({ recordsPerDay: 5 });
    const headers = { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" };
    assert.equal((await call(stack.gatewayUrl, headers)).status, 200, "the first request returns exactly the 5 records of the day");
    const refused = await call(stack.gatewayUrl, headers);
    assert.equal(refused.status, 429);
    assert.equal(refused.body.errors?.[0]?.extensions?.code, "QUOTA_EXCEEDED");
    assert.match(refused.body.errors![0]!.message, /used up/);
    assert.ok(Number(refused.retryAfter) > 0);
  });

  for (const store of ["PostgreSQL", "Redis"] as const) {
    it(`gives parallel requests at two instances no more records than the day allows in total (${store})`, async (t) => {
      let redisUrl: string | undefined;
      if (store === "Redis") {
        const redis = await testRedis();
        if (redis.kind === "absent") return t.skip(redis.reason);
        t.after(() => redis.stop());
        redisUrl = redis.url;
      }
      const gateways = await twoInstances(redisUrl);
      t.after(() => gateways.close());
      const seeded = await seedAgreement({ recordsPerDay: 10 });
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          call(gateways.urls[i % 2]!, { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" }),
        ),
      );
      const records = results.reduce((sum, r) => sum + (r.body.data?.persons.nodes.length ?? 0), 0);
      // Each response carries 5 records: exactly two fit into 10, whichever instances served them.
      assert.equal(records, 10, results.map((r) => r.status).join());
      assert.equal(results.filter((r) => r.status === 200).length, 2);
      for (const refused of results.filter((r) => r.status !== 200)) {
        assert.equal(refused.status, 429);
        assert.equal(refused.body.errors?.[0]?.extensions?.code, "QUOTA_EXCEEDED");
        assert.equal(refused.body.data, undefined);
        assert.ok(Number(refused.retryAfter) > 0);
      }
    });
  }

  it("admits exactly the requests per minute from a burst at two gateway instances through Redis", async (t) => {
    const redis = await testRedis();
    if (redis.kind === "absent") return t.skip(redis.reason);
    t.after(() => redis.stop());
    const gateways = await twoInstances(redis.url);
    t.after(() => gateways.close());
    const seeded = await seedAgreement({ requestsPerMinute: 4 });
    const headers = { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" };
    // A minute boundary during the burst would open a new window; retry once if so.
    for (let attempt = 0; ; attempt++) {
      const minute = Math.floor(Date.now() / 60_000);
      const statuses = (await Promise.all(Array.from({ length: 12 }, (_, i) => call(gateways.urls[i % 2]!, headers)))).map((r) => r.status);
      if (Math.floor(Date.now() / 60_000) !== minute && attempt === 0) continue;
      assert.equal(statuses.filter((s) => s === 200).length, 4, statuses.join());
      assert.equal(statuses.filter((s) => s === 429).length, 8);
      break;
    }
  });

  it("answers 503 QUOTA_STORE_UNAVAILABLE with Retry-After while Redis is unreachable, and logs it once", async () => {
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const lines: string[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: (message) => lines.push(message),
      warn: (message) => lines.push(message),
      error: (message) => lines.push(message),
      child: () => log,
    };
    const gateway = await createTestGateway(stack, {
      governance: { databaseUrl: stack.database.url, redisUrl: `redis://127.0.0.1:${closed}` },
      log,
    });
    try {
      const url = (await gateway.listen(0)).url;
      const seeded = await seedAgreement();
      const headers = { "x-api-key": seeded.key, "x-purpose": "epidemic-prevention" };
      for (let i = 0; i < 3; i++) {
        const result = await call(url, headers);
        assert.equal(result.status, 503);
        assert.equal(result.body.errors?.[0]?.extensions?.code, "QUOTA_STORE_UNAVAILABLE");
        assert.match(result.retryAfter ?? "", /^\d+$/);
      }
      assert.equal(lines.filter((l) => l.startsWith("quota store unavailable")).length, 1, lines.join("\n"));
      assert.ok(!lines.includes("http handler failed"));
      const user = await postGraphQL<{ districts: unknown[] }>(url, "{ districts { code } }");
      assert.equal(user.status, 200, "users do not need the quota store");
    } finally {
      await gateway.close();
    }
  });

  it("still serves users and anonymous callers as before", async () => {
    const result = await postGraphQL<{ districts: unknown[] }>(stack.gatewayUrl, "{ districts { code } }");
    assert.equal(result.status, 200);
    assert.equal(result.data!.districts.length, 16);
  });
});
