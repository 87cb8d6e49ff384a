import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { getIntrospectionQuery } from "graphql";
import pg from "pg";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../../support/security.ts";
import { aliased, doubledFragments, HUGE_COST } from "./attacks.ts";

describe("operation limits at the gateway", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
  });
  after(async () => {
    await pool.end();
    await stack.stop();
  });

  const post = async (body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, requestId: response.headers.get("x-request-id")!, body: (await response.json()) as { data?: unknown; errors?: { extensions?: Record<string, unknown> }[] } };
  };

  const refusal = (result: Awaited<ReturnType<TestStack["query"]>>) => {
    assert.equal(result.status, 400, JSON.stringify(result));
    assert.equal(result.data, undefined);
    return result.errors?.[0]?.extensions;
  };

  it("refuses 22 levels of doubled fragments by their expanded field count", async () => {
    const ext = refusal(await stack.query(doubledFragments(22)));
    assert.deepEqual(ext, { code: "OPERATION_TOO_MANY_FIELDS", limit: 500, actual: 2 ** 22, budget: "anonymous" });
  });

  it("refuses 10 000 aliases of districts: unread without credentials, on their tokens with", async () => {
    // 220 KB: over the 64 KiB an anonymous caller may send, refused on its content-length.
    const anonymous = await stack.query(aliased(10_000, "districts { code }"));
    assert.equal(anonymous.status, 413);
    assert.match(anonymous.errors![0]!.message, /exceeds 65536 bytes/);
    const ext = refusal(await stack.query(aliased(2_500, "districts { code }")));
    assert.deepEqual(ext, { code: "OPERATION_TOO_MANY_TOKENS", limit: 2_000, actual: 2_001, budget: "anonymous" });
    const user = refusal(await stack.query(aliased(10_000, "districts { code }"), undefined, await bearer(["registry:internal"])));
    assert.deepEqual(user, { code: "OPERATION_TOO_MANY_TOKENS", limit: 10_000, actual: 10_001, budget: "user" });
  });

  it("refuses 1 000 aliases of persons(first: 100) for a signed-in user", async () => {
    const ext = refusal(await stack.query(aliased(1_000, "persons(first: 100) { nodes { id } }"), undefined, await bearer(ALL_SCOPES)));
    assert.equal(ext?.code, "OPERATION_TOO_MANY_TOKENS");
    const fewer = refusal(await stack.query(aliased(60, "persons(first: 100) { nodes { id } }"), undefined, await bearer(ALL_SCOPES)));
    assert.deepEqual(fewer, { code: "OPERATION_TOO_MANY_ALIASES", limit: 50, actual: 60, budget: "user" });
  });

  it("refuses a huge cost of nested lists through an entity join", async () => {
    const ext = refusal(await stack.query(HUGE_COST, undefined, await bearer(ALL_SCOPES)));
    // 100 persons × 100 crossings and their checkpoints: the crossings come from the transport subgraph.
    assert.deepEqual(ext, { code: "OPERATION_TOO_COSTLY", limit: 50_000, actual: 70_300, budget: "user" });
  });

  it("answers /healthz and reasonable operations after the attacks", async () => {
    const health = await fetch(new URL("/healthz", stack.gatewayUrl));
    assert.equal(health.status, 200);
    const introspection = await stack.query(getIntrospectionQuery());
    assert.equal(introspection.status, 200, JSON.stringify(introspection.errors));
    assert.equal(introspection.errors, undefined);
    const dir = new URL("../../../../operations/", import.meta.url);
    for (const file of readdirSync(dir)) {
      const result = await stack.query(readFileSync(new URL(file, dir), "utf8"), { district: "410105", first: 2 }, await bearer(ALL_SCOPES));
      const codes = (result.errors ?? []).map((e) => String(e.extensions?.code));
      assert.ok(!codes.some((c) => c.startsWith("OPERATION_TOO")), `${file}: ${codes.join(", ")}`);
    }
  });

  it("records a refused document in the ledger by its hash, with its code", async () => {
    const document = doubledFragments(22);
    const refused = await post({ query: document });
    assert.equal(refused.status, 400);
    let row: { outcome: string; body: string } | undefined;
    for (let i = 0; i < 100 && !row; i++) {
      row = (await pool.query("SELECT outcome, body FROM governance.ledger_entry WHERE request_id = $1", [refused.requestId])).rows[0];
      if (!row) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(row?.outcome, "refused");
    const body = JSON.parse(row!.body) as { refusal: string; documentHash: string };
    assert.equal(body.refusal, "OPERATION_TOO_MANY_FIELDS");
    assert.equal(body.documentHash, createHash("sha256").update(document).digest("hex"));
  });

  it("judges a GET's query parameter like a POST body", async () => {
    const response = await fetch(`${stack.gatewayUrl}?query=${encodeURIComponent(aliased(11, "districts { code }"))}`);
    assert.equal(response.status, 400);
    const { errors } = (await response.json()) as { errors: { extensions: Record<string, unknown> }[] };
    assert.deepEqual(errors[0]!.extensions, { code: "OPERATION_TOO_MANY_ALIASES", limit: 10, actual: 11, budget: "anonymous" });
  });

  it("judges an automatic persisted query sent by hash alone against the caller's own budget", async () => {
    // A signed-in user registers a document with 20 aliases: within a user's budget.
    const query = aliased(20, "districts { code }");
    const persistedQuery = { version: 1, sha256Hash: createHash("sha256").update(query).digest("hex") };
    const registered = await post({ query, extensions: { persistedQuery } }, await bearer(ALL_SCOPES));
    assert.equal(registered.status, 200, JSON.stringify(registered.body.errors));
    // The hash alone from an anonymous caller runs the same document: over the anonymous budget.
    const anonymous = await post({ extensions: { persistedQuery } });
    assert.equal(anonymous.status, 400);
    assert.deepEqual(anonymous.body.errors?.[0]?.extensions, { code: "OPERATION_TOO_MANY_ALIASES", limit: 10, actual: 20, budget: "anonymous" });
    const again = await post({ extensions: { persistedQuery } }, await bearer(ALL_SCOPES));
    assert.equal(again.status, 200, "the user may still run it");
  });
});
