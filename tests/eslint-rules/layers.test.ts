import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ESLint } from "eslint";
import { REPO_ROOT } from "@citygraph/platform";

// Lints a line of code as if it were the given file of the repository, with the repo's config.
const eslint = new ESLint({ cwd: REPO_ROOT });
async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(REPO_ROOT, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "citygraph/layers").map((m) => m.message);
}

test("a kit that imports a service or an app is an error", async () => {
  assert.match((await layerErrors("packages/core/src/x.ts", 'import { createGateway } from "@citygraph/gateway";\nvoid createGateway;\n'))[0] ?? "", /may not import @citygraph\/gateway/);
  assert.match((await layerErrors("packages/ledger/src/x.ts", 'import { startCommand } from "@citygraph/cli";\nvoid startCommand;\n'))[0] ?? "", /may not import @citygraph\/cli/);
});

test("a service that imports another service or the platform runner is an error", async () => {
  assert.equal((await layerErrors("services/gateway/src/x.ts", 'import { healthSubgraph } from "@citygraph/subgraph-health";\nvoid healthSubgraph;\n')).length, 1);
  assert.equal((await layerErrors("services/subgraphs/health/src/x.ts", 'import { serveSubgraph } from "@citygraph/platform";\nvoid serveSubgraph;\n')).length, 1);
});

test("a relative import that leaves its package is an error, named or not", async () => {
  const [into] = await layerErrors("apps/platform/src/x.ts", 'import { createGateway } from "../../../services/gateway/src/server.ts";\nvoid createGateway;\n');
  assert.match(into ?? "", /import another workspace package by its name \(@citygraph\/gateway\)/);
  const [outside] = await layerErrors("services/gateway/src/x.ts", 'import { x } from "../../../tests/support/stack.ts";\nvoid x;\n');
  assert.match(outside ?? "", /no workspace package/);
});

test("downward imports by name and relative imports inside a package pass", async () => {
  assert.deepEqual(await layerErrors("apps/platform/src/x.ts", 'import { createGateway } from "@citygraph/gateway";\nimport { SUPERGRAPH_PATH } from "@citygraph/supergraph";\nvoid createGateway; void SUPERGRAPH_PATH;\n'), []);
  assert.deepEqual(await layerErrors("services/gateway/src/a/x.ts", 'import { createLedger } from "@citygraph/ledger";\nimport { y } from "../server.ts";\nvoid createLedger; void y;\n'), []);
  assert.deepEqual(await layerErrors("apps/cli/src/x.ts", 'import { startServices } from "@citygraph/platform";\nvoid startServices;\n'), []);
});
