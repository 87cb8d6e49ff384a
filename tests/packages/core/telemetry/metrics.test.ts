import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startOpsServer, type RunningServer } from "@citygraph/core";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer } from "../../../support/security.ts";

/** Prometheus metrics of a running platform, on the operations port and only there. */
describe("metrics", () => {
  let stack: TestStack;
  let ops: RunningServer;
  before(async () => {
    stack = await startStack();
    ops = await startOpsServer({ kind: "listen", host: "127.0.0.1", port: 0 });
  });
  after(async () => {
    await ops?.close();
    await stack?.stop();
  });

  async function scrape(): Promise<string> {
    const response = await fetch(ops.url);
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/plain/);
    return response.text();
  }

  /** The value of one sample, 0 when absent. */
  function sample(text: string, name: string, labels: Record<string, string>): number {
    const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    for (const line of text.split("\n")) {
      if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
      const inner = line.includes("{") ? line.slice(name.length + 1, line.indexOf("}")) : "";
      if (wanted.every((w) => inner.split(",").includes(w))) return Number(line.slice(line.lastIndexOf(" ") + 1));
    }
    return 0;
  }

  it("counts requests by outcome and code, decisions by owner and access, refusals, fetches and SQL", async () => {
    const before = await scrape();
    const officer = await bearer(["registry:internal", "registry:personal:masked"]);
    const masked = await stack.query(`{ persons(first: 2) { nodes { id name } } }`, undefined, officer);
    assert.equal(masked.errors, undefined);
    const denied = await stack.query(`{ persons(first: 2) { nodes { idNumber } } }`, undefined, officer);
    assert.equal(denied.errors?.[0]?.extensions?.code, "FORBIDDEN");
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string>) => sample(after, name, labels) - sample(before, name, labels);

    assert.equal(delta("citygraph_graphql_requests_total", { service: "gateway", outcome: "ok", code: "" }), 1);
    assert.equal(delta("citygraph_graphql_requests_total", { service: "gateway", outcome: "error", code: "FORBIDDEN" }), 1);
    assert.equal(delta("citygraph_refusals_total", { service: "gateway", code: "FORBIDDEN" }), 1);
    assert.equal(delta("citygraph_field_decisions_total", { owner: "registry", access: "masked" }), 1, "Person.name, masked");
    assert.equal(delta("citygraph_field_decisions_total", { owner: "registry", access: "denied" }), 1, "Person.idNumber, denied");
    assert.ok(delta("citygraph_graphql_requests_total", { service: "registry", outcome: "ok", code: "" }) >= 1, "the subgraph counts too");
    assert.ok(delta("citygraph_gateway_subgraph_fetch_duration_seconds_count", { subgraph: "registry", outcome: "ok" }) >= 1);
    assert.ok(delta("citygraph_gateway_plan_duration_seconds_count", {}) >= 1);
    assert.ok(delta("citygraph_sql_statements_total", { service: "registry" }) >= 1);
    assert.ok(sample(after, "citygraph_db_pool_connections", { service: "registry", state: "total" }) >= 1);
    assert.match(after, /^citygraph_process_resident_memory_bytes \d+/m, "Node runtime metrics");
    assert.doesNotMatch(after, /li\.wei|tester|410105\d{12}/, "no principal or personal value in a label");
  });

  it("is not served on the GraphQL ports", async () => {
    for (const url of [stack.gatewayUrl, stack.services.subgraphs.registry.server.url]) {
      assert.equal((await fetch(new URL("/metrics", url))).status, 404);
    }
  });
});
