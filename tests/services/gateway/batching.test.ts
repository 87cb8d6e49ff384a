import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SubgraphName } from "@citygraph/core";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";

/** What each subgraph adds to a person, and how to tell that a person has it. */
const EXTENSIONS: { subgraph: SubgraphName; fields: string; has: (p: Record<string, unknown>) => boolean }[] = [
  {
    subgraph: "health",
    fields: "healthCode { color } feverClinicVisits(first: 2) { nodes { visitedAt clinic { name } } }",
    has: (p) => (p.feverClinicVisits as { nodes: unknown[] }).nodes.length > 0,
  },
  {
    subgraph: "transport",
    fields: "crossings(first: 2) { nodes { time checkpoint { name } } }",
    has: (p) => (p.crossings as { nodes: unknown[] }).nodes.length > 0,
  },
  { subgraph: "education", fields: "enrolment { grade school { name } }", has: (p) => p.enrolment !== null },
  {
    subgraph: "enterprise",
    fields: "employment { position enterprise { name resumptionStatus } }",
    has: (p) => p.employment !== null,
  },
];

const ALL_FIELDS = EXTENSIONS.map((e) => e.fields).join(" ");

type Persons = { communities: { nodes: { residents: { nodes: Record<string, unknown>[] } }[] } };

describe("batching", () => {
  let stack: TestStack;
  let headers: Record<string, string>;
  before(async () => {
    stack = await startStack();
    headers = await bearer(ALL_SCOPES);
  });
  after(() => stack.stop());

  async function counted<T>(text: string) {
    const apps = stack.services.subgraphs;
    const before = Object.fromEntries(Object.entries(apps).map(([n, s]) => [n, s.app.stats.statements]));
    const result = await stack.query<T>(text, undefined, headers);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const statements = Object.fromEntries(
      Object.entries(apps).map(([n, s]) => [n, s.app.stats.statements - before[n]!]),
    ) as Record<SubgraphName, number>;
    return { data: result.data!, statements };
  }

  it("resolves 1 or 500 persons across subgraphs with the same number of SQL statements per subgraph", async () => {
    const many = await counted<Persons>(
      `{ communities(first: 100) { nodes { residents(first: 5) { nodes { id name ${ALL_FIELDS} } } } } }`,
    );
    const persons = many.data.communities.nodes.flatMap((c) => c.residents.nodes);
    assert.equal(persons.length, 500);
    const report: Record<string, { one: number; many: number }> = {};
    for (const extension of EXTENSIONS) {
      // One person who has this subgraph's data, so both requests do the same kinds of work.
      const person = persons.find(extension.has);
      assert.ok(person, `no person among 500 has ${extension.subgraph} data`);
      const one = await counted(`{ person(id: "${String(person.id)}") { id name ${extension.fields} } }`);
      const all = await counted(
        `{ communities(first: 100) { nodes { residents(first: 5) { nodes { id name ${extension.fields} } } } } }`,
      );
      report[extension.subgraph] = { one: one.statements[extension.subgraph], many: all.statements[extension.subgraph] };
      assert.equal(all.statements[extension.subgraph], one.statements[extension.subgraph], extension.subgraph);
      assert.ok(one.statements[extension.subgraph] >= 1);
    }
    // The registry lists 100 communities and their 500 residents in two statements.
    assert.equal(many.statements.registry, 2);
    console.log(`SQL statements (1 person / 500 persons): ${JSON.stringify(report)}; all five subgraphs at once: ${JSON.stringify(many.statements)}`);
  });
});
