import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";

describe("the gateway", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  it("joins registry and governance data in one response", async () => {
    const result = await stack.query<{
      persons: { nodes: { id: string; district: { code: string; name: string } }[] };
      dataAssets: { nodes: { coordinate: string; owner: string }[] };
    }>(`{
      persons(district: "410105", first: 2) { nodes { id district { code name } } }
      dataAssets(owner: "registry", first: 100) { nodes { coordinate owner } }
    }`, undefined, await bearer(ALL_SCOPES));
    assert.equal(result.status, 200);
    assert.equal(result.errors, undefined);
    assert.equal(result.data!.persons.nodes.length, 2);
    assert.ok(result.data!.persons.nodes.every((p) => p.district.code === "410105" && p.district.name === "金水区"));
    const coordinates = result.data!.dataAssets.nodes.map((a) => a.coordinate);
    assert.ok(coordinates.includes("Person.idNumber"));
    assert.ok(result.data!.dataAssets.nodes.every((a) => a.owner === "registry"));
  });

  it("names the argument of bad input and keeps other fields' data", async () => {
    const result = await stack.query(`{ districts { code } district(code: "999999") { name } }`);
    assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.equal(result.errors?.[0]?.extensions?.argumentName, "code");
    assert.equal((result.data as { districts: unknown[] }).districts.length, 16);
  });

  it("rejects an invalid ID number without echoing it", async () => {
    const result = await stack.query(`{ personByIdNumber(idNumber: "410105199001011230") { id } }`, undefined, await bearer(ALL_SCOPES));
    assert.equal(result.errors?.[0]?.extensions?.argumentName, "idNumber");
    assert.doesNotMatch(JSON.stringify(result.errors), /410105199001011230/);
  });

  it("answers malformed requests with GraphQL-over-HTTP status codes", async () => {
    const parse = await stack.query("{ persons(");
    assert.equal(parse.status, 400);
    assert.equal(parse.errors?.[0]?.extensions?.code, "GRAPHQL_PARSE_FAILED");
    const invalid = await stack.query("{ noSuchField }");
    assert.equal(invalid.status, 400);
    assert.equal(invalid.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
    const notJson = await fetch(stack.gatewayUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{" });
    assert.equal(notJson.status, 400);
    const put = await fetch(stack.gatewayUrl, { method: "PUT" });
    assert.equal(put.status, 405);
  });

  it("never sends stack traces to clients", async () => {
    const result = await stack.query(`{ persons(first: 1, after: "Zm9v") { nodes { id } } }`, undefined, await bearer(ALL_SCOPES));
    assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    assert.doesNotMatch(JSON.stringify(result), /stacktrace|\.ts:\d+/);
  });

  it("is live, and ready only while every subgraph answers", async () => {
    const base = new URL(stack.gatewayUrl);
    assert.equal((await fetch(new URL("/healthz", base))).status, 200);
    const ready = await fetch(new URL("/readyz", base));
    assert.equal(ready.status, 200);
    const body = (await ready.json()) as { subgraphs: Record<string, string> };
    assert.ok(Object.values(body.subgraphs).every((s) => s === "ready"));
  });

  it("serves its GraphQL explorer itself, loading nothing from another origin", async () => {
    const page = await fetch(stack.gatewayUrl, { headers: { accept: "text/html" } });
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /graphiql/i);
    const sources = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    assert.ok(sources.length >= 4);
    for (const source of sources) {
      assert.ok(source.startsWith("/"), `${source} must be same-origin`);
      const asset = await fetch(new URL(source, stack.gatewayUrl));
      assert.equal(asset.status, 200, source);
      assert.ok((await asset.arrayBuffer()).byteLength > 0);
    }
    assert.match(page.headers.get("content-security-policy") ?? "", /default-src 'none'/);
    assert.match(page.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/, "it cannot be framed");
  });

  it("refuses operations nested deeper than the limit before planning, but not introspection", async () => {
    let nested = "id";
    for (let i = 0; i < 7; i++) nested = `residents(first: 1) { nodes { community { ${nested} } } }`;
    const deep = await stack.query(`{ community(id: "1") { ${nested} } }`, undefined, await bearer(ALL_SCOPES));
    assert.equal(deep.status, 400);
    assert.equal(deep.errors?.[0]?.extensions?.code, "OPERATION_TOO_DEEP");
    assert.match(deep.errors?.[0]?.message ?? "", /depth \(\d+\) exceeds the user limit of 12/);
    const introspection = await stack.query(
      `{ __schema { types { fields { type { ofType { ofType { ofType { ofType { ofType { ofType { ofType { name } } } } } } } } } } } }`,
    );
    assert.equal(introspection.status, 200);
  });
});
