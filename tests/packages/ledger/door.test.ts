import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { generateApiKey } from "@citygraph/agreements";
import { SignJWT, importJWK } from "jose";
import { startStack, type TestStack } from "../../support/stack.ts";
import { bearer, testSecurity } from "../../support/security.ts";

interface Row {
  request_id: string;
  principal: string;
  outcome: string;
  purpose: string | null;
  subjects: string[];
  body: string;
}

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** Every request that reaches the gateway's endpoint leaves one entry, however it was refused. */
describe("the ledger at the gateway's door", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
  });
  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  /** The entries of these (gateway) request ids; entries without personal data follow their response. */
  async function entriesFor(requestIds: readonly string[]): Promise<Map<string, Row>> {
    for (let i = 0; i < 100; i++) {
      const { rows } = await pool.query<Row>(
        "SELECT request_id, principal, outcome, purpose, subjects, body FROM governance.ledger_entry WHERE request_id = ANY($1)",
        [requestIds],
      );
      if (rows.length >= requestIds.length) return new Map(rows.map((r) => [r.request_id, r]));
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const { rows } = await pool.query<Row>("SELECT request_id FROM governance.ledger_entry WHERE request_id = ANY($1)", [requestIds]);
    const missing = requestIds.map((id, i) => [i, id] as const).filter(([, id]) => !rows.some((r) => r.request_id === id));
    assert.fail(`requests ${missing.map(([i]) => `#${i}`).join(", ")} of ${requestIds.length} left no ledger entry`);
  }

  async function send(init: RequestInit & { path?: string } = {}) {
    const response = await fetch(new URL(init.path ?? "", stack.gatewayUrl), init);
    const requestId = response.headers.get("x-request-id")!;
    const text = await response.text();
    return { status: response.status, requestId, text };
  }

  const post = (body: string, headers: Record<string, string> = {}) =>
    send({ method: "POST", headers: { "content-type": "application/json", ...headers }, body });

  async function tokenWith(claims: Record<string, unknown>): Promise<string> {
    const { devIdentityProvider } = await testSecurity();
    const key = await importJWK(devIdentityProvider.privateJwk, "ES256");
    return new SignJWT({ scope: "role:health-officer", ...claims })
      .setProtectedHeader({ alg: "ES256", kid: devIdentityProvider.privateJwk.kid })
      .setIssuedAt()
      .setExpirationTime("5m")
      .sign(key);
  }

  it("refuses a NUL in sub with a 401, records it, and another user's concurrent personal reads all succeed and are recorded", async () => {
    const nul = { authorization: `Bearer ${await tokenWith({ sub: "mallory\u0000" })}` };
    const officer = await bearer(["role:health-officer"]);
    const query = JSON.stringify({ query: "{ persons(first: 2) { nodes { id name healthCode { color } } } }" });
    const results = await Promise.all(Array.from({ length: 16 }, (_, i) => post(query, i % 2 ? nul : officer)));
    const refused = results.filter((_, i) => i % 2);
    const served = results.filter((_, i) => i % 2 === 0);
    for (const r of refused) {
      assert.equal(r.status, 401);
      assert.match(r.text, /sub\W+ claim contains a control character/);
    }
    for (const r of served) assert.equal(r.status, 200, r.text);
    const entries = await entriesFor(results.map((r) => r.requestId));
    for (const r of served) {
      const entry = entries.get(r.requestId)!;
      assert.equal(entry.outcome, "allowed");
      assert.equal(entry.subjects.length, 2);
    }
    for (const r of refused) assert.equal(entries.get(r.requestId)!.principal, "anonymous");
  });

  it("refuses a lone surrogate in sub with a 401, and records it", async () => {
    const r = await post(JSON.stringify({ query: "{ districts { code } }" }), { authorization: `Bearer ${await tokenWith({ sub: "li\udc00" })}` });
    assert.equal(r.status, 401);
    assert.match(r.text, /sub\W+ claim is not well-formed Unicode/);
    assert.match((await entriesFor([r.requestId])).get(r.requestId)!.body, /UNAUTHENTICATED/);
  });

  it("records every request refused at the HTTP layer, with its code and reason", async () => {
    const idNumber = "{ persons(first: 1) { nodes { idNumber } } }";
    const officer = await bearer(["role:health-officer"]);
    const cases = [
      ["batched", await post(JSON.stringify([{ query: "{ districts { code } }" }, { query: idNumber }]), officer), 400],
      ["invalid-json", await post("{ not json", officer), 400],
      ["method-not-allowed", await send({ method: "PUT", headers: officer, body: "{}" }), 405],
      ["body-too-large", await post(JSON.stringify({ query: `{ districts { code } } #${"x".repeat(1024 * 1024)}` })), 413],
    ] as const;
    const entries = await entriesFor(cases.map(([, r]) => r.requestId));
    for (const [reason, response, status] of cases) {
      assert.equal(response.status, status, `${reason}: ${response.text}`);
      const entry = entries.get(response.requestId)!;
      assert.equal(entry.outcome, "refused", reason);
      const body = JSON.parse(entry.body) as { refusal: string; reason: string; principal: { subject: string } };
      assert.equal(body.refusal, "BAD_REQUEST", reason);
      assert.equal(body.reason, reason);
      if (reason !== "body-too-large") assert.equal(entry.principal, "user:tester", `${reason}: who asked is recorded`);
    }
  });

  it("serves a plain GET and records it like a POST: credentials ride only in headers, so no CSRF check is needed", async () => {
    const idNumber = "{ persons(first: 1) { nodes { idNumber } } }";
    const r = await send({ path: `?query=${encodeURIComponent(idNumber)}`, headers: await bearer(["role:health-officer"]) });
    assert.equal(r.status, 200, r.text);
    const entry = (await entriesFor([r.requestId])).get(r.requestId)!;
    assert.equal(entry.principal, "user:tester");
    assert.equal(entry.subjects.length, 1, "the person whose ID number was read");
    assert.equal(JSON.parse(entry.body).documentHash, sha256(idNumber));
  });

  it("gives two requests with the same client x-request-id two distinct ledger request ids, keeping the client's beside them", async () => {
    const offered = `client-${randomUUID()}`;
    const body = JSON.stringify({ query: "{ districts { code } }" });
    const [a, b] = [await post(body, { "x-request-id": offered }), await post(body, { "x-request-id": offered })];
    assert.notEqual(a.requestId, b.requestId);
    assert.notEqual(a.requestId, offered);
    const entries = await entriesFor([a.requestId, b.requestId]);
    for (const id of [a.requestId, b.requestId]) assert.equal(JSON.parse(entries.get(id)!.body).clientRequestId, offered);
  });

  it("records a third party's 300-character X-Purpose, bounded", async () => {
    const org = randomUUID();
    const agreementId = randomUUID();
    // A key as governance issues it: the gateway refuses any other shape as malformed.
    const generated = generateApiKey();
    const keyId = generated.id;
    const secret = generated.key.slice(keyId.length + 1);
    await pool.query("INSERT INTO governance.organization (id, name, credit_code) VALUES ($1, '郑州某数据服务有限公司', $2)", [
      org,
      `91410105${randomBytes(5).toString("hex").toUpperCase()}`.slice(0, 18),
    ]);
    await pool.query(
      `INSERT INTO governance.agreement (id, organization_id, title, purposes, legal_basis, scopes, allowed_fields, districts,
         valid_from, valid_until, requests_per_minute, records_per_day, status, created_by, approved_by, approved_at)
       VALUES ($1, $2, 'test', '{epidemic-prevention}', 'basis', '{registry:internal}', '{}', '{}', now() - interval '1 day',
         now() + interval '1 day', 100, 1000, 'ACTIVE', 'admin-a', 'admin-b', now())`,
      [agreementId, org],
    );
    await pool.query("INSERT INTO governance.api_key (id, agreement_id, secret_hash, created_by) VALUES ($1, $2, $3, 'admin-a')", [
      keyId,
      agreementId,
      sha256(secret),
    ]);
    const purpose = `epidemic-${"p".repeat(290)}`;
    const r = await post(JSON.stringify({ query: "{ districts { code } }" }), { "x-api-key": `${keyId}.${secret}`, "x-purpose": purpose });
    assert.equal(r.status, 403);
    assert.ok(!r.text.includes(purpose), "the refusal does not echo the header");
    const entry = (await entriesFor([r.requestId])).get(r.requestId)!;
    assert.equal(entry.outcome, "refused");
    assert.equal(entry.principal, `agreement:${keyId}`);
    assert.ok(entry.purpose!.length <= 256 && entry.purpose!.startsWith("epidemic-ppp"), "stored bounded");
    assert.match(entry.purpose!, new RegExp(`…\\[sha256:${sha256(purpose).slice(0, 16)}\\]$`), "with a marker and the hash of the whole");
  });
});
