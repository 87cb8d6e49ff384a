import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { getIntrospectionQuery } from "graphql";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";
import { aliased, doubledFragments, HUGE_COST } from "./attacks.ts";

describe("operation limits at the gateway", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  const refusal = (result: Awaited<ReturnType<TestStack["query"]>>) => {
    assert.equal(result.status, 400, JSON.stringify(result));
    assert.equal(result.data, undefined);
    return result.errors?.[0]?.extensions;
  };

  it("refuses 22 levels of doubled fragments by their expanded field count", async () => {
    const ext = refusal(await stack.query(doubledFragments(22)));
    assert.deepEqual(ext, { code: "OPERATION_TOO_MANY_FIELDS", limit: 500, actual: 2 ** 22, budget: "anonymous" });
  });

  it("refuses 10 000 aliases of districts on their tokens", async () => {
    const ext = refusal(await stack.query(aliased(10_000, "districts { code }")));
    assert.deepEqual(ext, { code: "OPERATION_TOO_MANY_TOKENS", limit: 2_000, actual: 2_001, budget: "anonymous" });
  });

  it("refuses 1 000 aliases of persons(first: 100) for a signed-in user", async () => {
    const ext = refusal(await stack.query(aliased(1_000, "persons(first: 100) { nodes { id } }"), undefined, await bearer(ALL_SCOPES)));
    assert.equal(ext?.code, "OPERATION_TOO_MANY_TOKENS");
    const fewer = refusal(await stack.query(aliased(60, "persons(first: 100) { nodes { id } }"), undefined, await bearer(ALL_SCOPES)));
    assert.deepEqual(fewer, { code: "OPERATION_TOO_MANY_ALIASES", limit: 50, actual: 60, budget: "user" });
  });

  it("refuses a huge cost of nested lists through an entity join", async () => {
    const ext = refusal(await stack.query(HUGE_COST, undefined, await bearer(ALL_SCOPES)));
    // 100 persons × (id + 100 crossings × id): the crossings come from the transport subgraph.
    assert.deepEqual(ext, { code: "OPERATION_TOO_COSTLY", limit: 20_000, actual: 30_300, budget: "user" });
  });

  it("answers /healthz and reasonable operations after the attacks", async () => {
    const health = await fetch(new URL("/healthz", stack.gatewayUrl));
    assert.equal(health.status, 200);
    const introspection = await stack.query(getIntrospectionQuery());
    assert.equal(introspection.status, 200, JSON.stringify(introspection.errors));
    assert.equal(introspection.errors, undefined);
    const dir = new URL("../../../operations/", import.meta.url);
    for (const file of readdirSync(dir)) {
      const result = await stack.query(readFileSync(new URL(file, dir), "utf8"), { district: "410105", first: 2 }, await bearer(ALL_SCOPES));
      const codes = (result.errors ?? []).map((e) => String(e.extensions?.code));
      assert.ok(!codes.some((c) => c.startsWith("OPERATION_TOO")), `${file}: ${codes.join(", ")}`);
    }
  });
});
