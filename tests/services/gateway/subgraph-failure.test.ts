import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import type { GatewayApp } from "@citygraph/gateway";
import { createTestGateway, startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";
import { spawnSubgraph, type SubgraphProcess } from "../../support/subgraph-process.ts";

const QUERY = `{ persons(district: "410105", first: 2) { nodes { id name crossings(first: 1) { nodes { time } } } } }`;

interface Result {
  status: number;
  requestId: string;
  data?: { persons: { nodes: { id: string; name: string | null; crossings: unknown }[] } } | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

/**
 * A subgraph that dies or hangs: the gateway answers with what the others delivered plus an error
 * naming the subgraph and the path, and the ledger does not claim the missing fields were returned.
 */
describe("a subgraph that fails", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  let transport: SubgraphProcess | undefined;
  let gateway: GatewayApp | undefined;
  let url: string;

  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
  });
  after(async () => {
    await gateway?.close();
    await transport?.kill();
    await pool.end();
    await stack.stop();
  });

  /** A gateway in front of the stack's subgraphs, except transport, which runs as a process. */
  async function gatewayWithTransportProcess(): Promise<void> {
    await gateway?.close();
    await transport?.kill();
    transport = await spawnSubgraph("transport", stack.database.url);
    gateway = await createTestGateway(stack, {
      subgraphUrls: { ...stack.services.gateway.subgraphUrls, transport: transport.url },
      subgraphTimeoutMs: 5_000,
    });
    url = (await gateway.listen(0)).url;
  }

  async function send(): Promise<Result> {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await bearer(ALL_SCOPES)) },
      body: JSON.stringify({ query: QUERY }),
    });
    return { status: response.status, requestId: response.headers.get("x-request-id")!, ...((await response.json()) as Omit<Result, "status" | "requestId">) };
  }

  /** The first requests to a fresh process are slow (loading, connecting): wait until it serves. */
  async function healthyRequest(): Promise<Result> {
    let result = await send();
    for (let i = 0; i < 10 && result.errors; i++) result = await send();
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result;
  }

  async function ledgerFields(requestId: string): Promise<Map<string, string>> {
    for (let i = 0; i < 100; i++) {
      const { rows } = await pool.query<{ body: string }>("SELECT body FROM governance.ledger_entry WHERE request_id = $1", [requestId]);
      if (rows[0]) {
        const body = JSON.parse(rows[0].body) as { fields: { coordinate: string; decision: string }[] };
        return new Map(body.fields.map((f) => [f.coordinate, f.decision]));
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`no ledger entry for ${requestId}`);
  }

  function assertPartial(result: Result, code: string): void {
    assert.equal(result.status, 200);
    const nodes = result.data?.persons.nodes ?? [];
    assert.equal(nodes.length, 2, "the registry's data still arrives");
    assert.ok(nodes.every((n) => typeof n.name === "string" && n.crossings === null));
    const error = result.errors?.find((e) => e.extensions?.code === code);
    assert.ok(error, `an error with code ${code}: ${JSON.stringify(result.errors)}`);
    assert.equal(error.extensions?.subgraph, "transport");
    assert.deepEqual(error.path?.slice(0, 2), ["persons", "nodes"]);
    assert.match(error.message, /transport/);
    assert.ok(!result.errors!.some((e) => e.extensions?.code === "INTERNAL_SERVER_ERROR"), JSON.stringify(result.errors));
  }

  it("that was killed yields partial data and SUBGRAPH_UNAVAILABLE, and the ledger records its fields as not delivered", async () => {
    await gatewayWithTransportProcess();
    const healthy = await healthyRequest();
    assert.equal((await ledgerFields(healthy.requestId)).get("Person.crossings"), "full");

    await transport!.kill();
    const result = await send();
    assertPartial(result, "SUBGRAPH_UNAVAILABLE");
    const fields = await ledgerFields(result.requestId);
    assert.equal(fields.get("Person.crossings"), "undelivered");
    assert.equal(fields.get("CheckpointCrossing.time"), "undelivered");
    assert.equal(fields.get("Person.name"), "full");
  });

  it("that was stopped (SIGSTOP) yields partial data and SUBGRAPH_TIMEOUT after the subgraph timeout", async () => {
    await gatewayWithTransportProcess();
    await healthyRequest();
    transport!.child.kill("SIGSTOP");
    const result = await send();
    assertPartial(result, "SUBGRAPH_TIMEOUT");
    assert.equal((await ledgerFields(result.requestId)).get("Person.crossings"), "undelivered");
  });
});
