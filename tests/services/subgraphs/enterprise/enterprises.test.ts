import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { creditCodeCheckChar, creditCodeProblem, encodeCursor } from "@citygraph/core";
import { firstError, startEnterprise, type EnterpriseHarness, type Response } from "./harness.ts";

interface PageInfo {
  endCursor: string | null;
  hasNextPage: boolean;
}

interface EnterpriseNode {
  creditCode: string;
  name: string;
  industry: string;
  district: { code: string };
  employeeCount: number;
}

describe("enterprises", () => {
  let h: EnterpriseHarness;
  let sample: { credit_code: string; name: string; district_code: string; industry: string; employee_count: number };
  before(async () => {
    h = await startEnterprise();
    const { rows } = await h.pool.query(
      "SELECT credit_code, name, district_code, industry::text AS industry, employee_count FROM enterprise.enterprise ORDER BY employee_count DESC LIMIT 1",
    );
    sample = rows[0];
  });
  after(() => h.stop());

  it("finds an enterprise by its credit code", async () => {
    const { response, statements } = await h.counted<{ enterprise: EnterpriseNode & { registeredCapital: number; establishedOn: string } }>(
      `query($c: ID!) { enterprise(creditCode: $c) { creditCode name industry district { code } employeeCount registeredCapital establishedOn } }`,
      { c: sample.credit_code },
    );
    assert.equal(response.errors, undefined);
    const found = response.data!.enterprise;
    assert.equal(found.creditCode, sample.credit_code);
    assert.equal(found.name, sample.name);
    assert.equal(found.industry, sample.industry);
    assert.equal(found.district.code, sample.district_code);
    assert.equal(found.employeeCount, sample.employee_count);
    assert.ok(found.registeredCapital > 0);
    assert.match(found.establishedOn, /^\d{4}-\d{2}-\d{2}$/);
    assert.equal(statements, 1);
  });

  it("answers null for a valid credit code nobody registered", async () => {
    const body = "91410105MA0000001";
    const response = await h.query(`query($c: ID!) { enterprise(creditCode: $c) { name } }`, { c: body + creditCodeCheckChar(body) });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data, { enterprise: null });
  });

  it("rejects a credit code with a wrong check character, without echoing it", async () => {
    const code = sample.credit_code;
    const wrong = code.slice(0, 17) + (code[17] === "0" ? "1" : "0");
    assert.notEqual(creditCodeProblem(wrong), null);
    const response = await h.query(`query($c: ID!) { enterprise(creditCode: $c) { name } }`, { c: wrong });
    assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "creditCode" });
    assert.match(response.errors![0]!.message, /check character/);
    assert.doesNotMatch(JSON.stringify(response), new RegExp(wrong));
  });

  it("rejects credit codes of the wrong length or alphabet", async () => {
    for (const bad of ["9141010", "91410105MA0000001I", "", "91410105ma00000010"]) {
      const response = await h.query(`query($c: ID!) { enterprise(creditCode: $c) { name } }`, { c: bad });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "creditCode" }, bad);
    }
  });

  it("pages through all enterprises by credit code without gaps or repeats", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Response<{ enterprises: { nodes: { creditCode: string }[]; pageInfo: PageInfo } }> = await h.query(
        `query($after: String) { enterprises(first: 7, after: $after) { nodes { creditCode } pageInfo { endCursor hasNextPage } } }`,
        { after: cursor },
      );
      assert.equal(response.errors, undefined);
      const page = response.data!.enterprises;
      seen.push(...page.nodes.map((n) => n.creditCode));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      pages++;
    } while (cursor && pages < 100);
    const { rows } = await h.pool.query("SELECT credit_code FROM enterprise.enterprise ORDER BY credit_code");
    assert.deepEqual(seen, rows.map((r) => r.credit_code));
  });

  it("filters enterprises by district and industry", async () => {
    const response = await h.query<{ enterprises: { nodes: EnterpriseNode[] } }>(
      `query($d: String, $i: Industry) { enterprises(first: 100, district: $d, industry: $i) { nodes { creditCode industry district { code } } } }`,
      { d: sample.district_code, i: sample.industry },
    );
    assert.equal(response.errors, undefined);
    const nodes = response.data!.enterprises.nodes;
    assert.ok(nodes.some((n) => n.creditCode === sample.credit_code));
    assert.ok(nodes.every((n) => n.district.code === sample.district_code && n.industry === sample.industry));
    const { rows } = await h.pool.query(
      "SELECT count(*)::int AS n FROM enterprise.enterprise WHERE district_code = $1 AND industry::text = $2",
      [sample.district_code, sample.industry],
    );
    assert.equal(nodes.length, rows[0].n);
  });

  it("rejects a district that is not Zhengzhou's, naming the argument", async () => {
    for (const district of ["999999", "4101", "110101", ""]) {
      const response = await h.query(`query($d: String) { enterprises(district: $d) { nodes { name } } }`, { d: district });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "district" }, district);
    }
  });

  it("rejects an unknown industry at validation", async () => {
    const response = await h.query(`{ enterprises(industry: MAGIC) { nodes { name } } }`);
    assert.equal(response.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
  });

  it("enforces the page-size bounds on every list", async () => {
    for (const first of [0, -1, 101]) {
      const top = await h.query(`query($f: Int) { enterprises(first: $f) { nodes { name } } }`, { f: first });
      assert.deepEqual(firstError(top), { code: "BAD_USER_INPUT", argumentName: "first" });
      const nested = await h.query(
        `query($f: Int) { enterprises(first: 1) { nodes { employees(first: $f) { nodes { position } } } } }`,
        { f: first },
      );
      assert.deepEqual(firstError(nested), { code: "BAD_USER_INPUT", argumentName: "first" });
    }
    const max = await h.query(`{ enterprises(first: 100) { nodes { creditCode } } }`);
    assert.equal(max.errors, undefined);
  });

  it("rejects a cursor that this list did not issue", async () => {
    for (const after of ["not-a-cursor", encodeCursor(["a", 1]), encodeCursor([])]) {
      const response = await h.query(`query($a: String) { enterprises(after: $a) { nodes { name } } }`, { a: after });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "after" }, after);
    }
  });

  it("lists exactly employeeCount employees, the legal representative among them", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let representative = "";
    do {
      const response: Response<{
        enterprise: { legalRepresentative: { id: string }; employees: { nodes: { person: { id: string } }[]; pageInfo: PageInfo } };
      }> = await h.query(
        `query($c: ID!, $after: String) { enterprise(creditCode: $c) {
           legalRepresentative { id }
           employees(first: 25, after: $after) { nodes { person { id } position since } pageInfo { endCursor hasNextPage } }
         } }`,
        { c: sample.credit_code, after: cursor },
      );
      assert.equal(response.errors, undefined);
      const enterprise = response.data!.enterprise;
      representative = enterprise.legalRepresentative.id;
      seen.push(...enterprise.employees.nodes.map((n) => n.person.id));
      cursor = enterprise.employees.pageInfo.hasNextPage ? enterprise.employees.pageInfo.endCursor : null;
    } while (cursor);
    assert.equal(seen.length, sample.employee_count);
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual(seen, [...seen].sort());
    assert.ok(seen.includes(representative));
  });

  it("pages employees and applications of many enterprises with one statement each", async () => {
    const { response, statements } = await h.counted<{ enterprises: { nodes: { employees: { nodes: unknown[] }; resumptionApplications: { nodes: unknown[] }; resumptionStatus: string }[] } }>(
      `{ enterprises(first: 40) { nodes {
           employees(first: 3) { nodes { position } }
           resumptionApplications(first: 2) { nodes { status } }
           resumptionStatus
       } } }`,
    );
    assert.equal(response.errors, undefined);
    const nodes = response.data!.enterprises.nodes;
    assert.equal(nodes.length, 40);
    assert.ok(nodes.every((n) => n.employees.nodes.length >= 1 && n.resumptionApplications.nodes.length >= 1));
    // The list, employees (LATERAL), applications (LATERAL), latest status (DISTINCT ON).
    assert.equal(statements, 4);
  });
});
