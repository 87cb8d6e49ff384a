import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { executeSync, isObjectType, parse, validate } from "graphql";
import { loadApiSchema } from "@citygraph/supergraph";
import { ConsoleSchemaPathsDocument, type ConsoleSchemaPathsQuery } from "../../../apps/console/src/generated/graphql.ts";
import { preparedQuery } from "../../../apps/console/src/prepared-query.ts";

/** The catalog's explorer links: a query for a field, found in the schema the caller introspects. */
describe("preparedQuery", () => {
  const schema = loadApiSchema();
  // The console's own introspection query, run as the gateway would answer it for a token that reads everything.
  const introspected = executeSync({ schema, document: parse(ConsoleSchemaPathsDocument.toString()) }).data as ConsoleSchemaPathsQuery;

  it("reaches a field from Query through fields that need no argument", () => {
    const query = preparedQuery(introspected.__schema, "Person.name");
    assert.ok(query);
    assert.match(query, /persons \{ nodes \{ name \} \}/);
  });

  it("prepares only queries that validate, for every field of the schema", () => {
    let prepared = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || type.name.startsWith("__") || type.name === "Mutation") continue;
      for (const field of Object.keys(type.getFields())) {
        const query = preparedQuery(introspected.__schema, `${type.name}.${field}`);
        if (!query) continue;
        prepared++;
        assert.deepEqual(validate(schema, parse(query)).map((e) => e.message), [], `${type.name}.${field}:\n${query}`);
      }
    }
    assert.ok(prepared > 100, `${prepared} fields have a link`);
  });

  it("offers none for a field only a lookup by argument reaches", () => {
    assert.equal(preparedQuery(introspected.__schema, "Query.district"), undefined, "district(code:) needs its code");
    assert.equal(preparedQuery(introspected.__schema, "Nothing.here"), undefined);
  });
});
