import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";

/** Mistakes in a request are the client's: a 4xx with a registry code, never a masked 500. */
describe("client mistakes", () => {
  let stack: TestStack;
  let headers: Record<string, string>;
  before(async () => {
    stack = await startStack();
    headers = await bearer(ALL_SCOPES);
  });
  after(() => stack.stop());

  async function send(body: Record<string, unknown>) {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    const result = (await response.json()) as { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    return { status: response.status, ...result, code: result.errors?.[0]?.extensions?.code, message: result.errors?.[0]?.message ?? "" };
  }

  it("an operationName the document lacks is OPERATION_RESOLUTION_FAILURE 400", async () => {
    const result = await send({ query: "query A { districts { code } }", operationName: "B" });
    assert.equal(result.status, 400);
    assert.equal(result.code, "OPERATION_RESOLUTION_FAILURE");
    assert.match(result.message, /no operation named "B"/);
  });

  it("several operations without operationName is OPERATION_RESOLUTION_FAILURE 400", async () => {
    const result = await send({ query: "query A { districts { code } } query B { districts { name } }" });
    assert.equal(result.status, 400);
    assert.equal(result.code, "OPERATION_RESOLUTION_FAILURE");
    assert.match(result.message, /operationName/);
    const named = await send({ query: "query A { districts { code } } query B { districts { name } }", operationName: "B" });
    assert.equal(named.status, 200);
    assert.equal(named.errors, undefined);
  });

  it("a persisted query that does not match its hash, or of an unknown version, is BAD_REQUEST 400", async () => {
    const query = "{ districts { code } }";
    for (const persistedQuery of [{ version: 1, sha256Hash: "a".repeat(64) }, { version: 2, sha256Hash: "a".repeat(64) }, "x"]) {
      const result = await send({ query, extensions: { persistedQuery } });
      assert.deepEqual([result.status, result.code], [400, "BAD_REQUEST"], JSON.stringify(result));
      assert.match(result.message, /sha does not match|persisted query version/);
    }
  });

  it("a subscription is OPERATION_NOT_SUPPORTED 400, signed in or not", async () => {
    const result = await send({ query: "subscription { districts { code } }" });
    assert.equal(result.status, 400);
    assert.equal(result.code, "OPERATION_NOT_SUPPORTED");
    const anonymous = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "subscription { districts { code } }" }),
    });
    const body = (await anonymous.json()) as { errors: { extensions: { code: string } }[] };
    assert.deepEqual([anonymous.status, body.errors[0]!.extensions.code], [400, "OPERATION_NOT_SUPPORTED"]);
  });

  for (const value of ["2026-13-45", "2026-02-30", "yesterday", "", "0000-01-01"]) {
    it(`the Date ${JSON.stringify(value)} is refused as the client's mistake, as a variable and as a literal, without echoing it`, async () => {
      const variable = await send({
        query: 'query($from: Date!) { schoolHealthChecks(school: "1", from: $from, to: "2026-03-01") { date } }',
        variables: { from: value },
      });
      assert.equal(variable.status, 400, JSON.stringify(variable));
      assert.equal(variable.code, "BAD_USER_INPUT");
      assert.equal(variable.errors![0]!.extensions!.argumentName, "from");
      assert.match(variable.message, /YYYY-MM-DD/);
      if (value) assert.ok(!variable.message.includes(value), variable.message);
      const literal = await send({ query: `{ schoolHealthChecks(school: "1", from: ${JSON.stringify(value)}, to: "2026-03-01") { date } }` });
      assert.equal(literal.status, 400, JSON.stringify(literal));
      assert.equal(literal.code, "GRAPHQL_VALIDATION_FAILED");
      assert.match(literal.message, /YYYY-MM-DD/);
    });
  }

  it("a DateTime without a time zone is BAD_USER_INPUT 400; with one it runs", async () => {
    const query = 'query($from: DateTime) { crossings(district: "410105", from: $from, first: 1) { nodes { time } } }';
    const noZone = await send({ query, variables: { from: "2026-01-01T10:00:00" } });
    assert.equal(noZone.status, 400);
    assert.equal(noZone.code, "BAD_USER_INPUT");
    assert.match(noZone.message, /time zone/);
    // Year 0000 parses as ISO 8601 but PostgreSQL has no year 0: refused here, not a 500 there.
    const yearZero = await send({ query, variables: { from: "0000-01-01T10:00:00Z" } });
    assert.deepEqual([yearZero.status, yearZero.code], [400, "BAD_USER_INPUT"], JSON.stringify(yearZero));
    const zoned = await send({ query, variables: { from: "2026-01-01T10:00:00+08:00" } });
    assert.equal(zoned.status, 200);
    assert.equal(zoned.errors, undefined, JSON.stringify(zoned.errors));
  });

  it("nesting that overflows the parser is GRAPHQL_PARSE_FAILED 400, in the platform's words", async () => {
    // 3 000 levels (9 002 tokens) fit a signed-in user's 10 000, and overflow graphql-js's parser (2 000 do).
    const result = await send({ query: "{" + "a{".repeat(3_000) + "}".repeat(3_001) });
    assert.equal(result.status, 400);
    assert.equal(result.code, "GRAPHQL_PARSE_FAILED");
    assert.doesNotMatch(result.message, /call stack/i);
    assert.match(result.message, /nests too deeply/);
    // Deeper still is over the token budget: refused before anything parses.
    const deeper = await send({ query: "{" + "a{".repeat(20_000) + "}".repeat(20_001) });
    assert.equal(deeper.status, 400);
    assert.equal(deeper.code, "OPERATION_TOO_MANY_TOKENS");
  });
});
