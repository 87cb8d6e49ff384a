import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { serverAudits } from "graphql-http";
import { startStack, type TestStack } from "../../support/stack.ts";

/** The gateway speaks GraphQL over HTTP as graphql-http's audit suite checks it. */
describe("GraphQL over HTTP", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  it("passes graphql-http's server audit: no MUST and no SHOULD failures", async (t) => {
    const results = await Promise.all(serverAudits({ url: stack.gatewayUrl, fetchFn: fetch }).map((audit) => audit.fn()));
    const failed = results.filter((r) => r.status !== "ok");
    const count = (level: string, list = results) => list.filter((r) => r.name.startsWith(level)).length;
    t.diagnostic(
      `${results.length} audits: MUST ${count("MUST")}, SHOULD ${count("SHOULD")}, MAY ${count("MAY")}; ` +
        `not passed: MAY ${count("MAY", failed)}`,
    );
    const required = failed.filter((r) => r.name.startsWith("MUST") || r.name.startsWith("SHOULD"));
    assert.deepEqual(required.map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`), []);
    assert.ok(count("MUST") > 0 && count("SHOULD") > 0, "the suite ran");
  });

  it("answers request errors with 200 to clients that accept only application/json, and 400 to the others", async () => {
    for (const [accept, status] of [
      ["application/json", 200],
      ["application/graphql-response+json", 400],
      ["application/graphql-response+json, application/json;q=0.9", 400],
    ] as const) {
      // A parse error (Apollo answers it) and an anonymous caller's validation error (answered
      // before Apollo, against the schema anonymous callers see): the same status and media type.
      for (const [query, code] of [["{ districts(", "GRAPHQL_PARSE_FAILED"], ["{ persons { nodes { id } } }", "GRAPHQL_VALIDATION_FAILED"]]) {
        const response = await fetch(stack.gatewayUrl, {
          method: "POST",
          headers: { "content-type": "application/json", accept },
          body: JSON.stringify({ query }),
        });
        assert.equal(response.status, status, `${accept}: ${query}`);
        const mediaType = accept.startsWith("application/graphql-response+json") ? "application/graphql-response+json" : "application/json";
        assert.equal(response.headers.get("content-type"), `${mediaType}; charset=utf-8`, `${accept}: ${query}`);
        const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
        assert.equal(body.errors[0]!.extensions.code, code);
      }
    }
  });

  it("accepts a GET with URL-encoded variables and no preflight header", async () => {
    const url = new URL(stack.gatewayUrl);
    url.searchParams.set("query", "query District($code: String!) { district(code: $code) { name } }");
    url.searchParams.set("variables", JSON.stringify({ code: "410105" }));
    const response = await fetch(url, { headers: { accept: "application/graphql-response+json" } });
    assert.equal(response.status, 200);
    assert.deepEqual(await response.json(), { data: { district: { name: "金水区" } } });
  });
});
