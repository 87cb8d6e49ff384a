import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import pg from "pg";
import { buildSchema, isObjectType } from "graphql";
import { API_SCHEMA_PATH } from "@citygraph/supergraph";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../../support/security.ts";

interface Answer {
  status: number;
  contentType: string | null;
  body: string;
  requestId: string;
}

/**
 * An anonymous caller must not be able to tell a name its grants hide from a name that does not
 * exist: on main, `... on HealthRecord` was a 403 naming the field and the scope that grants it,
 * while `... on HealthRecorz` was "Unknown type". Each pair below differs only in one name; the
 * answers must be byte for byte the same once that name is swapped back.
 */
describe("hidden and unknown names", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  const api = buildSchema(readFileSync(API_SCHEMA_PATH, "utf8"));
  let hiddenType: string;
  let visibleType: string;
  let hiddenField: string;
  let hiddenRoot: string;

  async function ask(query: string, headers: Record<string, string> = {}): Promise<Answer> {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/graphql-response+json", ...headers },
      body: JSON.stringify({ query }),
    });
    return {
      status: response.status,
      contentType: response.headers.get("content-type"),
      body: await response.text(),
      requestId: response.headers.get("x-request-id")!,
    };
  }

  /** A name of the same length as `real` that the API schema does not have (columns stay equal). */
  function madeUpLike(real: string): string {
    const taken = new Set(Object.values(api.getTypeMap()).flatMap((t) => [t.name, ...(isObjectType(t) ? Object.keys(t.getFields()) : [])]));
    for (const letter of "QXZJKqxzjk") {
      const name = real.slice(0, -1) + letter;
      if (name !== real && !taken.has(name)) return name;
    }
    throw new Error(`no made-up name like ${real}`);
  }

  /** Asks `template` with the real name and with a made-up one; asserts the two answers are one. */
  async function assertUniform(template: (name: string) => string, real: string): Promise<Answer> {
    const madeUp = madeUpLike(real);
    const hidden = await ask(template(real));
    const unknown = await ask(template(madeUp));
    assert.equal(hidden.status, unknown.status, `${template(real)}\n${hidden.body}\n${unknown.body}`);
    assert.equal(hidden.contentType, unknown.contentType);
    assert.equal(hidden.body, unknown.body.replaceAll(madeUp, real), template(real));
    assert.doesNotMatch(hidden.body, /needs|denied|FORBIDDEN|grant|scope/i, "nothing says the name exists");
    return hidden;
  }

  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    // What anonymous callers see, against the whole API schema: the hidden names come from the
    // data, so the test follows the classifications rather than hard-coding them.
    const seen = await stack.query<{ __schema: { types: { name: string; fields: { name: string }[] | null }[] } }>(
      `{ __schema { types { name fields { name } } } }`,
    );
    const visible = new Map(seen.data!.__schema.types.map((t) => [t.name, new Set((t.fields ?? []).map((f) => f.name))]));
    const objects = Object.values(api.getTypeMap()).filter((t) => isObjectType(t) && !t.name.startsWith("__"));
    hiddenType = objects.find((t) => !visible.has(t.name) && t.name !== "Mutation")!.name;
    const partly = objects.find(
      (t) => t.name !== "Query" && visible.has(t.name) && isObjectType(t) && Object.keys(t.getFields()).some((f) => !visible.get(t.name)!.has(f)),
    );
    assert.ok(partly && isObjectType(partly), "some visible type has a field anonymous callers may not read");
    visibleType = partly.name;
    hiddenField = Object.keys(partly.getFields()).find((f) => !visible.get(visibleType)!.has(f))!;
    hiddenRoot = Object.keys(api.getQueryType()!.getFields()).find((f) => !visible.get("Query")!.has(f))!;
    assert.ok(hiddenType && hiddenField && hiddenRoot);
  });
  after(async () => {
    await pool.end();
    await stack.stop();
  });

  it("answers a hidden root field as it answers one that does not exist", async () => {
    const answer = await assertUniform((name) => `{ ${name} { __typename } }`, hiddenRoot);
    assert.equal(answer.status, 400);
    assert.match(answer.body, /GRAPHQL_VALIDATION_FAILED/);
  });

  it("answers a hidden field of a visible type as it answers one that does not exist", async () => {
    await assertUniform((name) => `query Q { __typename } fragment F on ${visibleType} { ${name} }`, hiddenField);
  });

  it("answers a hidden type as it answers one that does not exist: fragments, variables, __type", async () => {
    await assertUniform((name) => `{ __typename ... on ${name} { __typename } }`, hiddenType);
    await assertUniform((name) => `query Q($x: ${name}) { __typename }`, hiddenType);
    const introspected = await assertUniform((name) => `{ __type(name: "${name}") { name } }`, hiddenType);
    assert.equal(introspected.status, 200);
  });

  it("answers a hidden mutation as one that does not exist, though no mutation is visible at all", async () => {
    const mutation = Object.keys(api.getMutationType()!.getFields())[0]!;
    const answer = await assertUniform((name) => `mutation { ${name} { __typename } }`, mutation);
    assert.equal(answer.status, 400);
  });

  it("costs a hidden list as it costs an unknown name, so the cost limit tells them apart no better", async () => {
    // Found by an attacker: measured against the full schema, `crossings` (hidden, paginated,
    // no `first`) was OPERATION_TOO_COSTLY where `crossingz` failed validation.
    await assertUniform((name) => `{ checkpoints { ${name} { nodes { ${Array(60).fill("id").join(" ")} } } } }`, "crossings");
  });

  it("does not tell by a persisted-query hash that someone who may read a hidden field ran it", async () => {
    // Found by an attacker: the APQ cache is shared, so a hash-only request for a document a
    // signed-in user had registered failed validation (naming the field) where any other hash
    // was PersistedQueryNotFound.
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const registered = `{ persons(first: 1) { nodes { id } } }`;
    const never = `{ ${madeUpLike("persons")}(first: 1) { nodes { id } } }`;
    const user = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await bearer(ALL_SCOPES)) },
      body: JSON.stringify({ query: registered, extensions: { persistedQuery: { version: 1, sha256Hash: sha(registered) } } }),
    });
    assert.equal(user.status, 200, await user.text());
    const hashOnly = async (text: string, method: "GET" | "POST") => {
      const extensions = JSON.stringify({ persistedQuery: { version: 1, sha256Hash: sha(text) } });
      const response =
        method === "GET"
          ? await fetch(`${stack.gatewayUrl}?extensions=${encodeURIComponent(extensions)}`, { headers: { accept: "application/json" } })
          : await fetch(stack.gatewayUrl, { method, headers: { "content-type": "application/json" }, body: `{"extensions":${extensions}}` });
      return { status: response.status, contentType: response.headers.get("content-type"), body: await response.text() };
    };
    for (const method of ["POST", "GET"] as const) {
      const known = await hashOnly(registered, method);
      assert.deepEqual(known, await hashOnly(never, method), method);
      assert.match(known.body, /PERSISTED_QUERY_NOT_FOUND/);
    }
  });

  it("lists every error of a document alike, hidden and unknown names mixed", async () => {
    await assertUniform((name) => `{ ${name} { __typename } noSuchOther { __typename } }`, hiddenRoot);
  });

  it("still records in the ledger which hidden fields were asked for", async () => {
    const answer = await ask(`query Q { __typename } fragment F on ${visibleType} { ${hiddenField} }`);
    for (let attempt = 0; ; attempt++) {
      const { rows } = await pool.query<{ outcome: string; body: string }>(
        "SELECT outcome, body FROM governance.ledger_entry WHERE request_id = $1",
        [answer.requestId],
      );
      if (rows[0]) {
        assert.equal(rows[0].outcome, "denied");
        assert.deepEqual(
          (JSON.parse(rows[0].body) as { fields: { coordinate: string; decision: string }[] }).fields,
          [{ coordinate: `${visibleType}.${hiddenField}`, decision: "denied" }],
        );
        break;
      }
      assert.ok(attempt < 100, "the refusal reaches the ledger");
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  it("tells a signed-in user which grant a hidden field needs", async () => {
    const result = await stack.query(`{ persons(first: 1) { nodes { idNumber } } }`, undefined, await bearer(["role:app-developer"]));
    assert.equal(result.status, 403);
    assert.deepEqual(result.errors?.[0]?.extensions?.denied, [{ coordinate: "Person.idNumber", needs: "registry:sensitive" }]);
  });
});
