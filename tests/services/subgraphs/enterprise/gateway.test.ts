import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readSupergraphFields } from "@citygraph/core";
import { loadSupergraph } from "@citygraph/supergraph";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../../support/security.ts";
import { firstError, type Response } from "./harness.ts";

/** Enterprise data through the real platform: every subgraph and the gateway, in-process. */
describe("enterprise data through the gateway", () => {
  let stack: TestStack;
  let supergraphSdl: string;

  async function query<T = unknown>(text: string, variables?: Record<string, unknown>): Promise<Response<T>> {
    return stack.query<T>(text, variables, await bearer(ALL_SCOPES));
  }

  before(async () => {
    stack = await startStack();
    supergraphSdl = loadSupergraph();
  });

  after(() => stack.stop());

  it("classifies every field it contributes to the supergraph", () => {
    const fields = readSupergraphFields(supergraphSdl).filter((f) => f.owners.includes("enterprise"));
    assert.ok(fields.length > 30);
    assert.deepEqual(fields.filter((f) => !f.policy).map((f) => `${f.coordinate}: ${f.problem}`), []);
    const level = (coordinate: string) => fields.find((f) => f.coordinate === coordinate)?.policy;
    assert.equal(level("Enterprise.name")?.level, "PUBLIC");
    assert.deepEqual([level("Person.employment")?.level, level("Person.employment")?.kind], ["PERSONAL", "EMPLOYMENT"]);
    assert.equal(level("WorkResumptionApplication.reviewerNote")?.level, "INTERNAL");
  });

  it("reaches an enterprise's legal representative in the registry, and back to their job", async () => {
    type Representative = { name: string; idNumber: string; employment: { position: string; enterprise: { name: string } } };
    const response = await query<{ enterprises: { nodes: { name: string; district: { name: string }; legalRepresentative: Representative }[] } }>(`{ enterprises(first: 5) { nodes {
      name district { name }
      legalRepresentative { name idNumber district { code } employment { position enterprise { name } } }
    } } }`);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    for (const enterprise of response.data!.enterprises.nodes) {
      assert.match(enterprise.district.name, /区|县|市/);
      assert.ok(enterprise.legalRepresentative.name.length >= 2);
      assert.equal(enterprise.legalRepresentative.idNumber.length, 18);
      // Seeded representatives work for the enterprise they represent.
      assert.equal(enterprise.legalRepresentative.employment.enterprise.name, enterprise.name);
    }
  });

  it("goes from the registry's persons to their employers' resumption status", async () => {
    type Employer = { resumptionStatus: string; resumptionApplications: { nodes: { status: string }[] } };
    const response = await query<{ persons: { nodes: { employment: { enterprise: Employer } | null }[] } }>(`{ persons(first: 100, district: "410105") { nodes {
      id name employment { position enterprise { name resumptionStatus resumptionApplications(first: 1) { nodes { status } } } }
    } } }`);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const persons = response.data!.persons.nodes;
    const employed = persons.filter((p) => p.employment);
    assert.ok(employed.length > 10 && employed.length < persons.length);
    for (const person of employed) {
      const enterprise = person.employment!.enterprise;
      assert.equal(enterprise.resumptionStatus, enterprise.resumptionApplications.nodes[0]!.status);
    }
  });

  it("names the argument of bad enterprise input through the gateway", async () => {
    const response = await query(`{ enterprise(creditCode: "91410105MA00000011") { name } }`);
    assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "creditCode" });
  });
});
