import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  CommunityResidentsDocument,
  EnterpriseRepresentativeDocument,
  FirstLookDocument,
  PersonProfileDocument,
} from "../../../generated/graphql/operations.ts";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";

/** The documented example operations, typed by codegen, through the gateway. */
describe("the example operations", () => {
  let stack: TestStack;
  let headers: Record<string, string>;
  before(async () => {
    stack = await startStack();
    headers = await bearer(ALL_SCOPES);
  });
  after(() => stack.stop());

  it("FirstLook joins four departments for a district's persons", async () => {
    const result = await stack.execute(FirstLookDocument, { district: "410105", first: 5 }, headers);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const persons = result.data!.persons!.nodes;
    assert.equal(persons.length, 5);
    assert.ok(persons.every((p) => p.district?.name === "金水区" && p.healthCode?.color));
  });

  it("PersonProfile goes from a person to health code, crossings, enrolment and employer", async () => {
    const first = await stack.execute(FirstLookDocument, { district: "410105", first: 50 }, headers);
    const employed = first.data!.persons!.nodes.find((p) => p.employment);
    assert.ok(employed);
    const result = await stack.execute(PersonProfileDocument, { id: employed.id }, headers);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const person = result.data!.person!;
    assert.equal(person.id, employed.id);
    assert.ok(person.healthCode?.color);
    assert.ok(person.employment?.enterprise?.creditCode);
    assert.equal(person.employment?.enterprise?.resumptionStatus, employed.employment!.enterprise!.resumptionStatus);
  });

  it("CommunityResidents goes from a community to its risk tier and residents", async () => {
    const result = await stack.execute(CommunityResidentsDocument, { id: "1", first: 5 }, headers);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const community = result.data!.community!;
    assert.ok(community.riskTier?.level);
    assert.ok(community.residents!.nodes.length > 0);
    assert.ok(community.residents!.nodes.every((r) => r.healthCode?.color));
  });

  it("EnterpriseRepresentative goes from an enterprise to its legal representative's health code", async () => {
    const list = await stack.query<{ enterprises: { nodes: { creditCode: string }[] } }>(
      "{ enterprises(first: 1) { nodes { creditCode } } }",
      undefined,
      headers,
    );
    const creditCode = list.data!.enterprises.nodes[0]!.creditCode;
    const result = await stack.execute(EnterpriseRepresentativeDocument, { creditCode }, headers);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data!.enterprise!.creditCode, creditCode);
    assert.ok(result.data!.enterprise!.legalRepresentative?.healthCode?.color);
  });
});
