import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { Kind, buildSchema, getIntrospectionQuery, parse, print, type DefinitionNode } from "graphql";
import { countTokens, measureDocument, normalizeOperationLimits } from "../../../../services/gateway/src/limits/index.ts";
import { aliased, doubledFragments, HUGE_COST } from "./attacks.ts";

const schema = buildSchema(readFileSync(new URL("../../../../packages/supergraph/schema.graphql", import.meta.url), "utf8"));
const { model, budgets } = normalizeOperationLimits(undefined);
const measure = (source: string, variables?: Record<string, unknown>) =>
  measureDocument(source, countTokens(source, Infinity)!, schema, model, variables)!;

describe("operation measures", () => {
  it("count fields of doubled fragments by memoised sizes, not by expansion", () => {
    const m = measure(doubledFragments(40));
    // districts + (2^40 - 1) codes: computed without expanding 2^40 selections.
    assert.equal(m.fields, 2 ** 40);
    assert.equal(m.depth, 2);
  });

  it("count aliases after fragment expansion", () => {
    assert.equal(measure(aliased(10_000, "districts { code }")).aliases, 10_000);
    assert.equal(measure(`{ ...Q ...Q } fragment Q on Query { a: districts { code } }`).aliases, 2);
  });

  it("multiply cost by first, the default page size and nested lists", () => {
    assert.equal(measure(`{ persons { nodes { id } } }`).cost, 20 * (1 + 1 + 1));
    // persons × (nodes + id + crossings × (nodes + id + plate + time + checkpoint + its id))
    assert.equal(measure(HUGE_COST).cost, 100 * (1 + 1 + 1 + 100 * (1 + 1 + 1 + 1 + 1 + 1 + 1)));
    const withVariable = measure(`query($n: Int) { persons(first: $n) { nodes { id } } }`, { n: 5 });
    assert.equal(withVariable.cost, 5 * 3);
    // A `first` beyond what a subgraph accepts counts as its maximum.
    assert.equal(measure(`{ persons(first: 100000) { nodes { id } } }`).cost, 100 * 3);
  });

  it("stop counting tokens just past the budget", () => {
    assert.equal(countTokens(aliased(10_000, "districts { code }"), 2_000), 2_001);
    assert.equal(countTokens("{ districts { code } }", 2_000), 6);
    assert.equal(countTokens("{ \"unterminated", 2_000), undefined);
  });

  it("let GraphiQL's introspection query within the anonymous budget", () => {
    const m = measure(getIntrospectionQuery());
    for (const key of ["tokens", "depth", "aliases", "directives", "fields", "cost"] as const) {
      assert.ok(m[key] <= budgets.anonymous[key], `${key}: ${m[key]} > ${budgets.anonymous[key]}`);
    }
  });

  it("refuse a budget that is not a positive whole number at start-up", () => {
    assert.throws(() => normalizeOperationLimits({ anonymous: { depth: 0 } }), /limits\.anonymous\.depth must be a positive whole number/);
    assert.throws(() => normalizeOperationLimits({ user: { cost: 1.5 } }), /limits\.user\.cost/);
  });

  it("let every operation the project ships (examples and the console's pages) within a signed-in user's budget", () => {
    for (const dir of ["../../../../operations/", "../../../../apps/console/operations/"]) {
      const root = new URL(dir, import.meta.url);
      for (const file of readdirSync(root).filter((f) => f.endsWith(".graphql"))) {
        const definitions = parse(readFileSync(new URL(file, root), "utf8")).definitions;
        const fragments = definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
        for (const operation of definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION)) {
          const m = measure(print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] as DefinitionNode[] }));
          for (const key of ["tokens", "depth", "aliases", "directives", "fields", "cost"] as const) {
            assert.ok(m[key] <= budgets.user[key], `${file} ${operation.name?.value}: ${key} ${m[key]} > ${budgets.user[key]}`);
          }
        }
      }
    }
  });
});
