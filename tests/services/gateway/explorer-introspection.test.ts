import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { getIntrospectionQuery, type IntrospectionQuery } from "graphql";
import { startStack, type TestStack } from "../../support/stack.ts";
import { bearer } from "../../support/security.ts";

/**
 * The explorer's Docs pane and autocomplete run GraphiQL's introspection query, which is built of
 * fragments (`FullType`, `InputValue`, `TypeRef`): it must be answered, with the caller's view.
 */
describe("the explorer's introspection", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  it("answers GraphiQL's fragment-built introspection query with the fields the token may read", async () => {
    const result = await stack.query<IntrospectionQuery>(
      getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, inputValueDeprecation: true }),
      undefined,
      await bearer(["registry:internal"]),
    );
    assert.equal(result.status, 200, JSON.stringify(result.errors));
    assert.equal(result.errors, undefined);
    const types = new Map(result.data!.__schema.types.map((t) => [t.name, t]));
    const fieldsOf = (name: string) => {
      const type = types.get(name);
      return type && "fields" in type ? (type.fields ?? []).map((f) => f.name) : [];
    };
    assert.ok(fieldsOf("Query").includes("persons"), "Query fields are listed");
    assert.ok(fieldsOf("Query").includes("districts"));
    assert.ok(fieldsOf("Person").includes("id"));
    assert.ok(!fieldsOf("Person").includes("idNumber"), "a field the token cannot read is hidden");
  });

  it("still refuses introspection mixed with data in one operation", async () => {
    const result = await stack.query(`{ __schema { queryType { name } } districts { code } }`);
    assert.equal(result.status, 400);
    assert.match(result.errors?.[0]?.message ?? "", /operation of its own/);
    const inFragment = await stack.query(`query { ...Both } fragment Both on Query { __schema { queryType { name } } districts { code } }`);
    assert.equal(inFragment.status, 400);
  });
});
