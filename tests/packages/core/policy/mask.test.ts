import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MASKERS, maskerFor } from "@citygraph/core";

describe("masking rules", () => {
  it("keeps the region and the last 2 characters of an ID number, never the birth date", () => {
    assert.equal(MASKERS.ID_NUMBER!("41010519900307123X"), "410105**********3X");
    assert.equal(maskerFor("ID_NUMBER", "region")!("41010519900307123X"), "410105************");
  });
  it("fails closed on an unknown mask variant", () => {
    assert.equal(maskerFor("ID_NUMBER", "no-such-variant")!("41010519900307123X"), "*".repeat(18));
  });
  it("keeps the first 3 and last 4 digits of a phone number", () => {
    assert.equal(MASKERS.PHONE!("13812345678"), "138****5678");
  });
  it("does not reveal a name's length", () => {
    assert.equal(MASKERS.NAME!("王博平"), MASKERS.NAME!("王博"));
    assert.equal(MASKERS.NAME!("王"), "王**");
    assert.equal(MASKERS.NAME!("欧阳娜娜"), MASKERS.NAME!("欧阳娜"));
  });
  it("keeps the family name, including compound ones", () => {
    assert.equal(MASKERS.NAME!("张三丰"), "张**");
    assert.equal(MASKERS.NAME!("王芳"), "王**");
    assert.equal(MASKERS.NAME!("欧阳娜娜"), "欧阳**");
  });
  it("cuts an address to its community", () => {
    assert.equal(
      MASKERS.ADDRESS!("河南省郑州市金水区花园路街道中原路159号紫荆社区29号楼4单元1701"),
      "河南省郑州市金水区花园路街道中原路159号紫荆社区",
    );
  });
  it("fails closed on addresses without a building, unit or room", () => {
    assert.equal(MASKERS.ADDRESS!("河南省郑州市中牟县前刘庄村3组15号"), "河南省郑州市中牟县***");
    assert.equal(MASKERS.ADDRESS!("金水区经三路12号"), "金水区***");
    assert.equal(MASKERS.ADDRESS!("12号楼3单元402室"), "***");
  });

  it("cuts a birth date to its year", () => {
    assert.equal(MASKERS.BIRTH_DATE!("1987-03-15"), "1987");
  });
  it("keeps a plate's province and last two characters", () => {
    assert.equal(MASKERS.PLATE!("豫A12345"), "豫****45");
  });
  it("has no rule for health data or location tracks", () => {
    assert.equal(maskerFor("HEALTH"), undefined);
    assert.equal(maskerFor("LOCATION"), undefined);
  });
});
