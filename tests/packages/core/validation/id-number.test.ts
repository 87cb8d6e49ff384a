import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { idNumberCheckChar, idNumberProblem, makeIdNumber } from "@citygraph/core";

describe("resident ID numbers (GB 11643)", () => {
  it("accepts the standard's published examples, including an X check character", () => {
    assert.equal(idNumberProblem("11010519491231002X"), null);
    assert.equal(idNumberProblem("440524188001010014"), null);
  });

  it("rejects a wrong check character", () => {
    assert.match(idNumberProblem("110105194912310021") ?? "", /check character/);
  });

  it("rejects impossible birth dates and wrong shapes", () => {
    assert.match(idNumberProblem("110105194902300026") ?? "", /birth date/);
    assert.match(idNumberProblem("11010519491231002") ?? "", /17 digits/);
    assert.match(idNumberProblem("11010519491231002x") ?? "", /17 digits/);
  });

  it("builds numbers whose sex digit and check character are right", () => {
    const male = makeIdNumber("410105", new Date(Date.UTC(1990, 4, 17)), 123, true);
    const female = makeIdNumber("410105", new Date(Date.UTC(1990, 4, 17)), 123, false);
    assert.equal(idNumberProblem(male), null);
    assert.equal(idNumberProblem(female), null);
    assert.equal(Number(male[16]) % 2, 1);
    assert.equal(Number(female[16]) % 2, 0);
    assert.equal(male.slice(6, 14), "19900517");
    assert.equal(idNumberCheckChar(male.slice(0, 17)), male[17]);
  });
});
