import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createLogger, type SubgraphApp } from "@citygraph/core";
import { educationSubgraph } from "@citygraph/subgraph-education";
import { postGraphQL } from "../../../support/stack.ts";
import { gatewayHeaders, testSubgraphTokenKey } from "../../../support/security.ts";
import { startEducation, type EducationHarness } from "./harness.ts";

// Over real HTTP, against the subgraph with its PostgreSQL replay cache (no REDIS_URL), and a
// second instance of the same subgraph on the same database, as a load balancer would spread them.
describe("education subgraph: gateway tokens answer one request", () => {
  let h: EducationHarness;
  let second: SubgraphApp;
  let secondUrl: string;
  before(async () => {
    h = await startEducation();
    second = await educationSubgraph.create({
      databaseUrl: h.databaseUrl,
      log: createLogger({ test: true }, "error"),
      gatewayTokenKey: await testSubgraphTokenKey("education"),
      poolSize: 2,
    });
    secondUrl = (await second.listen(0)).url;
  });
  after(async () => {
    await second?.close();
    await h?.stop();
  });
  const QUERY = `query($first: Int) { schools(first: $first) { nodes { id name } } }`;

  it("refuses a captured token replayed, at the same instance and at another one", async () => {
    const headers = await gatewayHeaders("education", { query: QUERY, variables: { first: 2 } });
    const first = await postGraphQL<{ schools: { nodes: unknown[] } }>(h.url, QUERY, { first: 2 }, headers);
    assert.equal(first.status, 200);
    assert.equal(first.data!.schools.nodes.length, 2);
    for (const url of [h.url, secondUrl]) {
      const replayed = await postGraphQL(url, QUERY, { first: 2 }, headers);
      assert.equal(replayed.status, 401);
      assert.equal(replayed.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
      assert.match(replayed.errors![0]!.message, /already been used/);
      assert.equal(replayed.data, undefined);
    }
  });

  it("refuses a captured token with another document or other variables", async () => {
    const headers = await gatewayHeaders("education", { query: QUERY, variables: { first: 2 } });
    const cases: [string, Record<string, unknown> | undefined][] = [
      [QUERY, { first: 100 }],
      [`{ schools(first: 100) { nodes { id name enrolments(first: 100) { nodes { id grade } } } } }`, undefined],
    ];
    for (const [query, variables] of cases) {
      const result = await postGraphQL(h.url, query, variables, headers);
      assert.equal(result.status, 401, query);
      assert.match(result.errors![0]!.message, /another operation/);
    }
    // Not burnt by the attempts: the genuine request still runs.
    assert.equal((await postGraphQL(h.url, QUERY, { first: 2 }, headers)).status, 200);
  });

  it("refuses _service to every gateway token, aliased or in a fragment", async () => {
    for (const query of [`{ _service { sdl } }`, `{ s: _service { sdl } }`, `{ ...F } fragment F on Query { _service { sdl } }`]) {
      const result = await postGraphQL<{ _service?: unknown }>(h.url, query, undefined, await gatewayHeaders("education", { query }));
      assert.equal(result.status, 403, query);
      assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN", query);
      assert.equal(result.data, undefined, query);
    }
  });

  it("keeps one row per accepted token, until it expires", async () => {
    const { rows } = await h.pool.query<{ live: number }>(
      "SELECT count(*)::int AS live FROM education.gateway_token_use WHERE expires_at > now()",
    );
    assert.ok(rows[0]!.live >= 2, `rows: ${rows[0]!.live}`);
  });
});
