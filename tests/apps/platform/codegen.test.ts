import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { generate, loadCodegenConfig } from "@graphql-codegen/cli";
import { REPO_ROOT } from "@citygraph/platform";

describe("typed operations", () => {
  it("committed generated/graphql matches what codegen.yml produces from operations/ and the API schema", async () => {
    const { config } = await loadCodegenConfig({ configFilePath: join(REPO_ROOT, "codegen.yml") });
    const outputs: { filename: string; content: string }[] = await generate({ ...config, cwd: REPO_ROOT, silent: true }, false);
    assert.ok(outputs.length > 0);
    for (const output of outputs) {
      const path = join(REPO_ROOT, output.filename);
      assert.equal(readFileSync(path, "utf8"), output.content, `${output.filename} is stale: run "npm run codegen"`);
    }
  });
});
