import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { creditCodeProblem, makeCreditCode } from "@citygraph/core";

describe("unified social credit codes (GB 32100)", () => {
  it("accepts real registered codes", () => {
    for (const code of ["9144030071526726XG", "91330100716105852F", "91110108551385082Q"]) {
      assert.equal(creditCodeProblem(code), null, code);
    }
  });

  it("rejects a wrong check character, forbidden letters and wrong lengths", () => {
    assert.match(creditCodeProblem("9144030071526726XA") ?? "", /check character/);
    assert.match(creditCodeProblem("9144030071526726XI") ?? "", /only digits/);
    assert.match(creditCodeProblem("9144030071526726X") ?? "", /18 characters/);
  });

  it("builds distinct valid codes for distinct serials", () => {
    const codes = new Set<string>();
    for (let serial = 0; serial < 5_000; serial++) {
      const code = makeCreditCode("410105", serial * 7919);
      assert.equal(creditCodeProblem(code), null, code);
      codes.add(code);
    }
    assert.equal(codes.size, 5_000);
  });
});
