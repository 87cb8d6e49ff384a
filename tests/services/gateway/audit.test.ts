import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import pg from "pg";
import { createLogger } from "@citygraph/core";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { verifyLedger } from "@citygraph/ledger";
import { startStack, type TestStack } from "../../support/stack.ts";
import { bearer, testSecurity } from "../../support/security.ts";

interface Row {
  principal: string;
  outcome: string;
  subjects: string[];
  coordinates: string[];
  denied: string[];
  body: string;
}

/** The access ledger as the gateway writes it: one entry per request, whatever its outcome. */
describe("the gateway's access ledger", () => {
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

  async function entryFor(requestId: string): Promise<Row> {
    // Entries of responses without personal data are written right after the response.
    for (let i = 0; i < 50; i++) {
      const { rows } = await pool.query<Row>(
        "SELECT principal, outcome, subjects, coordinates, denied, body FROM governance.ledger_entry WHERE request_id = $1",
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.fail(`no ledger entry for request ${requestId}`);
  }

  async function send(query: string, headers: Record<string, string>) {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ query }),
    });
    // The gateway's own id: the ledger's key (a client's x-request-id is only kept beside it).
    const requestId = response.headers.get("x-request-id")!;
    return { requestId, status: response.status, body: (await response.json()) as { data?: { persons?: { nodes: { id: string }[] } } } };
  }

  it("records whose personal data an allowed request returned, before the response leaves", async () => {
    const result = await send(`{ persons(first: 3) { nodes { id name healthCode { color } } } }`, await bearer(["role:health-officer"]));
    assert.equal(result.status, 200);
    // Written durably before the response: no waiting needed.
    const { rows } = await pool.query<Row>("SELECT * FROM governance.ledger_entry WHERE request_id = $1", [result.requestId]);
    assert.equal(rows.length, 1);
    const entry = rows[0]!;
    assert.equal(entry.outcome, "allowed");
    assert.equal(entry.principal, "user:tester");
    assert.deepEqual([...entry.subjects].sort(), result.body.data!.persons!.nodes.map((p) => p.id).sort());
    assert.ok(entry.coordinates.includes("Person.name") && entry.coordinates.includes("HealthCode.color"));
    assert.doesNotMatch(entry.body, /\p{Script=Han}/u, "never a value");
  });

  it("records masked reads as masked, with their subjects", async () => {
    const result = await send(`{ persons(first: 2) { nodes { id name } } }`, await bearer(["registry:internal", "registry:personal:masked"]));
    assert.equal(result.status, 200);
    const entry = await entryFor(result.requestId);
    assert.equal(entry.outcome, "allowed");
    assert.deepEqual([...entry.subjects].sort(), result.body.data!.persons!.nodes.map((p) => p.id).sort());
    const fields = (JSON.parse(entry.body) as { fields: { coordinate: string; decision: string }[] }).fields;
    assert.deepEqual(fields.find((f) => f.coordinate === "Person.name"), { coordinate: "Person.name", decision: "masked" });
  });

  it("records a request whatever request id the client sends", async () => {
    for (const offered of ["", "x".repeat(300), "bad id with spaces"]) {
      const response = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": offered },
        body: JSON.stringify({ query: "{ persons(first: 1) { nodes { idNumber } } }" }),
      });
      // Anonymous: the hidden field is answered as unknown, and recorded as denied.
      assert.equal(response.status, 400);
      const requestId = response.headers.get("x-request-id")!;
      assert.notEqual(requestId, offered, "a malformed id is replaced");
      assert.equal((await entryFor(requestId)).outcome, "denied");
    }
  });

  it("records the persons a lookup by plate reveals, even through internal fields, before responding", async () => {
    const headers = await bearer(["role:traffic-officer"]);
    const plates = await stack.query<{ crossings: { nodes: { plate: string | null }[] } }>(
      `{ crossings(district: "410105", first: 20) { nodes { plate } } }`,
      undefined,
      headers,
    );
    const plate = plates.data!.crossings.nodes.find((n) => n.plate)!.plate!;
    const result = await send(`{ crossings(plate: "${plate}", first: 5) { nodes { time checkpoint { name } } } }`, headers);
    assert.equal(result.status, 200);
    // Written before the response: read at once.
    const { rows } = await pool.query<Row>("SELECT subjects FROM governance.ledger_entry WHERE request_id = $1", [result.requestId]);
    assert.equal(rows.length, 1);
    assert.ok(rows[0]!.subjects.length >= 1, "the vehicle's owner is named");
    assert.doesNotMatch(JSON.stringify(rows[0]), new RegExp(plate), "never the plate itself");
  });

  it("records denied requests with the fields that were refused", async () => {
    const result = await send(`{ persons(first: 1) { nodes { idNumber } } }`, await bearer(["role:app-developer"]));
    assert.equal(result.status, 403);
    const entry = await entryFor(result.requestId);
    assert.equal(entry.outcome, "denied");
    assert.deepEqual(entry.denied, ["Person.idNumber"]);
    assert.deepEqual(entry.subjects, []);
  });

  it("records refusals before execution, and rejected credentials", async () => {
    const refused = await send(`{ districts { code } }`, { "x-purpose": "epidemic-prevention" });
    assert.equal(refused.status, 401);
    const entry = await entryFor(refused.requestId);
    assert.equal(entry.outcome, "refused");
    assert.match(entry.body, /API_KEY_MISSING/);
    const forged = await send(`{ districts { code } }`, { authorization: "Bearer not.a.jwt" });
    assert.equal(forged.status, 401);
    assert.match((await entryFor(forged.requestId)).body, /UNAUTHENTICATED/);
  });

  it("keeps a chain that audit verify accepts", async () => {
    const { gatewayKeys } = await testSecurity();
    const result = await verifyLedger(pool, gatewayKeys.publicJwk);
    assert.equal(result.ok, true, JSON.stringify(result.firstBroken));
    assert.ok(result.entries >= 4);
  });

  it("fails personal-data requests closed when the ledger cannot be written, and keeps public data flowing", async () => {
    const security = await testSecurity();
    const gateway = await createGateway({
      supergraphSdl: loadSupergraph(),
      subgraphUrls: Object.fromEntries(Object.entries(stack.services.subgraphs).map(([n, s]) => [n, s.server.url])),
      identity: security.identity,
      roles: security.roles,
      signingKey: security.gatewayKeys.privateJwk,
      // Nothing listens on port 1: the ledger is down.
      governance: { databaseUrl: "postgresql://postgres@127.0.0.1:1/citygraph" },
      log: createLogger({ test: true }, "error"),
      explorer: false,
    });
    const { url } = await gateway.listen(0);
    try {
      const post = async (query: string, headers: Record<string, string> = {}) => {
        const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ query }) });
        return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: { extensions?: { code?: string } }[] } };
      };
      const personal = await post(`{ persons(first: 2) { nodes { name } } }`, await bearer(["role:health-officer"]));
      assert.equal(personal.status, 503);
      assert.equal(personal.body.errors?.[0]?.extensions?.code, "LEDGER_UNAVAILABLE");
      assert.equal(personal.body.data, undefined, "no personal data leaves unrecorded");
      const open = await post(`{ districts { code name } }`);
      assert.equal(open.status, 200);
      assert.equal((open.body.data as { districts: unknown[] }).districts.length, 16);
    } finally {
      await gateway.close();
    }
  });
});
