import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { compose, staleFiles } from "@citygraph/platform";

describe("composition", () => {
  it("committed subgraph SDLs, supergraph and API schema match the type-graphql sources", async () => {
    const stale = staleFiles(await compose());
    assert.deepEqual(stale, [], `stale: ${stale.join(", ")} — run "npm run compose" and commit the result`);
  });
});
