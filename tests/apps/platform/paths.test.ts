import { test } from "node:test";
import assert from "node:assert/strict";
import { basename, dirname } from "node:path";
import { DATA_DIR, defaultAnchorFile } from "@citygraph/platform";

test("each governance database has its own default anchor file, so one chain's anchors are never checked against another", () => {
  const embedded = defaultAnchorFile("postgresql://postgres@127.0.0.1:54329/citygraph");
  assert.equal(defaultAnchorFile("postgresql://postgres:other-password@127.0.0.1:54329/citygraph?sslmode=disable"), embedded, "the same database, however reached");
  assert.notEqual(defaultAnchorFile("postgresql://postgres@127.0.0.1:5432/citygraph"), embedded, "another server");
  assert.notEqual(defaultAnchorFile("postgresql://postgres@127.0.0.1:54329/city"), embedded, "another database");
  assert.equal(dirname(embedded), `${DATA_DIR}/anchors`);
  assert.match(basename(embedded), /^ledger-anchors-[0-9a-f]{12}\.jsonl$/, "the file name reveals nothing of the URL");
});
