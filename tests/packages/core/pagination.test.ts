import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { MAX_PAGE_SIZE, configureCursorKey, decodeCursor, encodeCursor, pageSize, toPage } from "@citygraph/core";

function argumentOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GraphQLError);
    assert.equal(error.extensions.code, "BAD_USER_INPUT");
    return error.extensions.argumentName;
  }
  assert.fail("expected a BAD_USER_INPUT error");
}

describe("pagination", () => {
  it("defaults the page size and enforces the hard maximum", () => {
    assert.equal(pageSize(undefined), 20);
    assert.equal(pageSize(MAX_PAGE_SIZE), MAX_PAGE_SIZE);
    assert.equal(argumentOf(() => pageSize(MAX_PAGE_SIZE + 1)), "first");
    assert.equal(argumentOf(() => pageSize(0)), "first");
  });

  it("round-trips cursors and rejects foreign or forged ones as bad input", () => {
    const cursor = encodeCursor(["2026-11-01T00:00:00.000Z", 42]);
    assert.deepEqual(decodeCursor(cursor, 2), ["2026-11-01T00:00:00.000Z", 42]);
    assert.equal(argumentOf(() => decodeCursor(cursor, 1)), "after");
    assert.equal(argumentOf(() => decodeCursor("not a cursor", 1)), "after");
    assert.equal(argumentOf(() => decodeCursor(encodeCursor([{}] as never), 1)), "after");
  });

  it("seals cursors: a client can neither read the sort key nor edit or forge one", () => {
    const cursor = encodeCursor([4, 1, 152]);
    assert.doesNotMatch(Buffer.from(cursor, "base64url").toString("latin1"), /\[4,1,152\]/);
    // What main served: readable JSON in base64url.
    assert.equal(argumentOf(() => decodeCursor(Buffer.from("[4,1,152]").toString("base64url"), 3)), "after");
    const raw = Buffer.from(cursor, "base64url");
    for (const at of [0, 5, raw.length - 20, raw.length - 1]) {
      const tampered = Buffer.from(raw);
      tampered[at]! ^= 1;
      assert.equal(argumentOf(() => decodeCursor(tampered.toString("base64url"), 3)), "after", `byte ${at}`);
    }
    assert.deepEqual(decodeCursor(cursor, 3), [4, 1, 152]);
  });

  it("refuses a cursor sealed with another deployment's key", () => {
    const ours = encodeCursor([7]);
    configureCursorKey("another deployment's secret, 32+ characters long");
    try {
      assert.equal(argumentOf(() => decodeCursor(ours, 1)), "after");
      assert.deepEqual(decodeCursor(encodeCursor([7]), 1), [7]);
    } finally {
      configureCursorKey("back to a test secret of 32+ characters, any will do");
    }
    assert.throws(() => configureCursorKey("short"), /at least 32 characters/);
  });

  it("uses the extra row only to signal a next page", () => {
    const page = toPage([1, 2, 3], 2, (n) => [n]);
    assert.deepEqual(page.nodes, [1, 2]);
    assert.equal(page.pageInfo.hasNextPage, true);
    assert.deepEqual(decodeCursor(page.pageInfo.endCursor, 1), [2]);
    const last = toPage([1], 2, (n) => [n]);
    assert.equal(last.pageInfo.hasNextPage, false);
    assert.equal(toPage([], 2, (n: number) => [n]).pageInfo.endCursor, null);
  });

  it("seals a page's cursor only when it is read, and hands out the same one every time", () => {
    let keyed = 0;
    const page = toPage([1, 2, 3], 2, (n) => (keyed++, [n]));
    assert.equal(keyed, 0, "a page nobody asks the cursor of costs no sealing");
    const cursor = page.pageInfo.endCursor;
    assert.equal(page.pageInfo.endCursor, cursor);
    assert.equal(keyed, 1);
    // What a response serialises (JSON, a spread copy) sees the cursor like any field.
    assert.equal((JSON.parse(JSON.stringify(page.pageInfo)) as { endCursor: string }).endCursor, cursor);
    assert.deepEqual({ ...page.pageInfo }, { hasNextPage: true, endCursor: cursor });
  });
});

describe("typed cursors", () => {
  it("rejects a cursor whose parts have the wrong types", () => {
    assert.deepEqual(decodeCursor(encodeCursor([7]), ["number"]), [7]);
    assert.equal(argumentOf(() => decodeCursor(encodeCursor(["x"]), ["number"])), "after");
    assert.equal(argumentOf(() => decodeCursor(encodeCursor(["not a date", 1]), ["datetime", "number"])), "after");
    assert.deepEqual(decodeCursor(encodeCursor(["2026-11-01T00:00:00.000Z", 1]), ["datetime", "number"]), [
      "2026-11-01T00:00:00.000Z",
      1,
    ]);
  });
});

describe("strict cursor parts", () => {
  it("accept exactly what a list writes: instants, dates and integer ids", () => {
    assert.deepEqual(decodeCursor(encodeCursor(["2026-11-01T08:00:00.000Z", 7]), ["instant", "id"]), ["2026-11-01T08:00:00.000Z", 7]);
    assert.deepEqual(decodeCursor(encodeCursor(["2026-02-28", 1]), ["date", "id"]), ["2026-02-28", 1]);
    assert.equal(argumentOf(() => decodeCursor(encodeCursor(["2026-11-01", 7]), ["instant", "id"])), "after");
    assert.equal(argumentOf(() => decodeCursor(encodeCursor(["2026-02-30", 1]), ["date", "id"])), "after");
    assert.equal(argumentOf(() => decodeCursor(encodeCursor(["2026-02-28", 2_147_483_648]), ["date", "id"])), "after");
    assert.equal(argumentOf(() => decodeCursor(encodeCursor([1.5]), ["int"])), "after");
  });
});
