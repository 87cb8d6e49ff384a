import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from "@opentelemetry/sdk-trace-node";
import { startTracing, type Tracing } from "@citygraph/core";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { bearer, ALL_SCOPES } from "../../../support/security.ts";

/**
 * One client request is one trace: the gateway's server span, its parse/validate/plan/fetch
 * spans, and under each fetch the subgraph's own server span, resolvers and SQL statements —
 * propagated over real HTTP with W3C `traceparent`. Spans are collected in process.
 */
describe("tracing", () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let stack: TestStack;
  before(async () => {
    tracing = await startTracing({ serviceName: "citygraph-test", processor: new SimpleSpanProcessor(exporter) });
    stack = await startStack();
  });
  after(async () => {
    await stack?.stop();
    await tracing?.shutdown();
  });

  const QUERY = `{ persons(first: 2) { nodes { id name healthCode { color } crossings(first: 1) { nodes { time } } } } }`;

  async function traceOf(query: string, headers: Record<string, string>): Promise<ReadableSpan[]> {
    exporter.reset();
    const response = await stack.query(query, undefined, headers);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    // The gateway's server span ends after the response is written; wait for it to be exported.
    for (let i = 0; i < 100 && !exporter.getFinishedSpans().some(isGatewayServerSpan); i++) await new Promise((r) => setTimeout(r, 10));
    const spans = exporter.getFinishedSpans();
    const root = spans.find(isGatewayServerSpan);
    assert.ok(root, `no gateway server span among ${spans.map((s) => s.name).join(", ")}`);
    return spans.filter((s) => s.spanContext().traceId === root.spanContext().traceId);
  }

  it("follows one request through the gateway and three subgraphs with correct parentage", async () => {
    const spans = await traceOf(QUERY, await bearer(ALL_SCOPES));
    const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
    const parentOf = (s: ReadableSpan) => (s.parentSpanContext ? byId.get(s.parentSpanContext.spanId) : undefined);
    const root = spans.find(isGatewayServerSpan)!;
    assert.equal(root.parentSpanContext, undefined, "the gateway's server span starts the trace");

    for (const phase of ["graphql.parse", "graphql.validate", "gateway.plan"]) {
      assert.ok(spans.some((s) => s.name === phase), `a ${phase} span`);
    }
    const subgraphServers = spans.filter((s) => s.name.startsWith("POST") && s.attributes["citygraph.service"] !== "gateway");
    const services = new Set(subgraphServers.map((s) => s.attributes["citygraph.service"]));
    for (const subgraph of ["registry", "health", "transport"]) assert.ok(services.has(subgraph), `${subgraph} joined the trace`);
    for (const server of subgraphServers) {
      // Each subgraph request is a child of one of the gateway's fetch spans (the traceparent it sent).
      assert.equal(parentOf(server)?.name, "gateway.fetch", `${String(server.attributes["citygraph.service"])}'s server span`);
    }
    const sql = spans.filter((s) => s.name.startsWith("db "));
    assert.ok(sql.length >= 3, "SQL statements are spans");
    for (const statement of sql) {
      let ancestor = parentOf(statement);
      while (ancestor && !subgraphServers.includes(ancestor)) ancestor = parentOf(ancestor);
      assert.ok(ancestor, "every SQL span descends from a subgraph's server span");
    }
    const resolvers = spans.filter((s) => s.name.startsWith("resolve "));
    assert.ok(resolvers.some((s) => s.attributes["graphql.field.coordinate"] === "Query.persons"));
    // Fields read off their row are no span each: a page of persons would be thousands.
    const coordinates = new Set(resolvers.map((s) => s.attributes["graphql.field.coordinate"]));
    for (const read of ["Person.id", "Person.name", "HealthCode.color"]) assert.ok(!coordinates.has(read), `${read} has no span`);
  });

  it("carries coordinates and codes, never a value the caller read", async () => {
    const response = await stack.query(`{ persons(first: 3) { nodes { name idNumber phone } } }`, undefined, await bearer(ALL_SCOPES));
    const values = (response.data as { persons: { nodes: Record<string, string>[] } }).persons.nodes.flatMap((n) => Object.values(n));
    const spans = await traceOf(`{ persons(first: 3) { nodes { name idNumber phone } } }`, await bearer(ALL_SCOPES));
    const attributes = JSON.stringify(spans.map((s) => [s.name, s.attributes, s.events]));
    for (const value of values) assert.ok(!attributes.includes(value), "a returned value appears in a span");
  });
});

function isGatewayServerSpan(span: ReadableSpan): boolean {
  return span.attributes["citygraph.service"] === "gateway" && span.name.startsWith("POST");
}
