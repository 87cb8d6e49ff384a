import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { csvField } from "@citygraph/ledger";

/** The CSV export's fields: RFC 4180 quoting, and no formula a spreadsheet would run. */
describe("csvField", () => {
  it("quotes commas, quotes and line breaks", () => {
    assert.equal(csvField('a,"b"'), '"a,""b"""');
    assert.equal(csvField("two\nlines"), '"two\nlines"');
    assert.equal(csvField(undefined), "");
  });

  it("defuses text a spreadsheet would run as a formula, and leaves numbers alone", () => {
    assert.equal(csvField('=HYPERLINK("http://x","y")'), `"'=HYPERLINK(""http://x"",""y"")"`);
    for (const start of ["+", "-", "@", "\t"]) assert.equal(csvField(`${start}1`).replace(/^"/, "").startsWith("'"), true, JSON.stringify(start));
    // A semicolon-separated spreadsheet splits `a;=1+1` into a formula cell of its own.
    assert.equal(csvField("a;=1+1"), `"a;'=1+1"`);
    assert.equal(csvField("x, @SUM(A1)"), `"x, '@SUM(A1)"`);
    assert.equal(csvField(-5), "-5");
    assert.equal(csvField("user:li.wei"), "user:li.wei");
  });
});
