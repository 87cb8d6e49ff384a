import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DISTRICTS, creditCodeProblem, findDistrict, populationSize } from "@citygraph/core";
import { employmentPlan, enterpriseAt, enterpriseSeed, resumptionTimeline } from "../../../../services/subgraphs/enterprise/src/seed.ts";

function rowsOf(scale: number, pick: (count: number) => number[]) {
  return enterpriseSeed.tables(scale).map((table) => pick(table.count).map((i) => table.row(i)));
}

describe("the enterprise seed", () => {
  it("generates the same rows whatever the order and whichever scale was planned before", () => {
    const forwards = rowsOf(1, (n) => Array.from({ length: n }, (_, i) => i));
    employmentPlan(2); // replaces the cached plan
    const backwards = rowsOf(1, (n) => Array.from({ length: n }, (_, i) => n - 1 - i)).map((rows) => rows.reverse());
    assert.deepEqual(backwards, forwards);
  });

  it("registers about one enterprise per fifty residents and one or two applications each", () => {
    for (const scale of [1, 10]) {
      const [enterprises, employment, applications] = enterpriseSeed.tables(scale).map((t) => t.count) as [number, number, number];
      const persons = populationSize(scale).persons;
      assert.equal(enterprises, persons * 0.02);
      assert.ok(applications >= enterprises && applications <= 2 * enterprises);
      assert.ok(employment > persons * 0.3 && employment < persons * 0.45, `employment ${employment} of ${persons}`);
    }
  });

  it("issues valid, unique credit codes and unique names", () => {
    const plan = employmentPlan(50);
    const codes = new Set(plan.enterprises.map((e) => e.creditCode));
    const names = new Set(plan.enterprises.map((e) => e.name));
    assert.equal(codes.size, plan.enterprises.length);
    assert.equal(names.size, plan.enterprises.length);
    for (const e of plan.enterprises) {
      assert.equal(creditCodeProblem(e.creditCode), null, e.creditCode);
      // Districts register under their own division code; zones through the city's bureau.
      assert.equal(e.creditCode.slice(2, 8), e.district.zone ? "410100" : e.district.code);
      assert.match(e.name, /(有限公司|有限责任公司)$/);
      assert.ok(findDistrict(e.district.code));
    }
  });

  it("keeps an enterprise's identity when the city grows", () => {
    const small = employmentPlan(1).enterprises.map((e) => [e.creditCode, e.name, e.industry]);
    const large = employmentPlan(10).enterprises.slice(0, small.length).map((e) => [e.creditCode, e.name, e.industry]);
    assert.deepEqual(large, small);
  });

  it("spreads sizes like a real economy: many small firms, a few large employers", () => {
    const plan = employmentPlan(50);
    const sizes = [...plan.headcount].sort((a, b) => a - b);
    const median = sizes[sizes.length >> 1]!;
    assert.ok(median >= 3 && median <= 30, `median ${median}`);
    assert.ok(sizes.at(-1)! > 20 * median, `largest ${sizes.at(-1)}`);
    assert.equal(sizes.reduce((a, b) => a + b, 0), plan.employed.length);
  });

  it("concentrates industries where Zhengzhou has them", () => {
    const enterprises = Array.from({ length: 20_000 }, (_, e) => enterpriseAt(e));
    const share = (industry: string, codes: string[]) => {
      const of = enterprises.filter((e) => e.industry === industry);
      return of.filter((e) => codes.includes(e.district.code)).length / of.length;
    };
    const population = (codes: string[]) =>
      codes.reduce((a, c) => a + findDistrict(c)!.populationK, 0) / DISTRICTS.reduce((a, d) => a + d.populationK, 0);
    assert.ok(share("FINANCE", ["410190"]) > 2 * population(["410190"]), "finance in 郑东新区");
    assert.ok(share("MINING", ["410183", "410185", "410181"]) > 0.8, "mining in 新密, 登封, 巩义");
    assert.ok(share("IT_SERVICES", ["410172"]) > 2 * population(["410172"]), "IT in the high-tech zone");
  });

  it("gives rejected or withdrawn applicants a second, later application", () => {
    for (let e = 0; e < 2_000; e++) {
      const steps = resumptionTimeline(e);
      assert.ok(steps.length === 1 || steps.length === 2);
      if (steps.length === 2) {
        assert.ok(["REJECTED", "WITHDRAWN"].includes(steps[0]!.status));
        assert.ok(steps[1]!.submittedAt > steps[0]!.decidedAt!);
      }
    }
  });

  it("is a pure function of the index for enterprises", () => {
    assert.deepEqual(enterpriseAt(12_345), enterpriseAt(12_345));
  });
});
