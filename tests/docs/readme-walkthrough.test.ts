import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "graphql";
import { SUBGRAPH_NAMES, creditCodeProblem, findDistrict, scopeProblem } from "@citygraph/core";
import { assertOperationRunnable } from "../../services/subgraphs/governance/src/agreement/agreement.validation.ts";
import { operationSurfaceOf } from "../../services/subgraphs/governance/src/agreement/agreement.surface.ts";
import { REPO_ROOT } from "@citygraph/platform";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** Every `[npx] citygraph agreement …` command line of the README, continuation lines joined. */
function agreementCommands(): string[] {
  return README.replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => /^(npx )?citygraph agreement /.test(line.trim()));
}

/** The value of `--flag` in a command line, unquoted. */
function flag(line: string, name: string): string | undefined {
  const match = line.match(new RegExp(`--${name} (?:"([^"]*)"|(\\S+))`));
  return match ? (match[1] ?? match[2]) : undefined;
}

// What a reader copies from the third-party walkthrough must pass the checks it meets first:
// the organisation's credit code, the scopes and districts, and the operation file it registers.
test("the README's agreement walkthrough uses a valid credit code, scopes and districts", () => {
  const create = agreementCommands().find((line) => line.includes("agreement create"));
  assert.ok(create, "the walkthrough has an `agreement create` line");
  assert.equal(creditCodeProblem(flag(create, "org-credit-code") ?? ""), null, "the example credit code passes GB 32100's check");
  for (const scope of (flag(create, "scopes") ?? "").split(/\s+/)) assert.equal(scopeProblem(scope, SUBGRAPH_NAMES), null, scope);
  for (const code of (flag(create, "districts") ?? "").split(",")) assert.ok(findDistrict(code), `district ${code}`);
});

test("the operation file the README registers ships with the repo, and its agreement may run it", () => {
  const create = agreementCommands().find((line) => line.includes("agreement create"))!;
  const agreement = { scopes: (flag(create, "scopes") ?? "").split(/\s+/), allowedFields: [] };
  const files = agreementCommands().map((line) => flag(line, "file")).filter((file): file is string => Boolean(file));
  assert.ok(files.length > 0, "the walkthrough registers an operation file");
  for (const file of files) {
    const path = join(REPO_ROOT, file);
    assert.ok(existsSync(path), `${file} is in the repository`);
    // What register-operation checks: valid against the API schema, and every field granted.
    assert.doesNotThrow(() => assertOperationRunnable(parse(readFileSync(path, "utf8")), operationSurfaceOf(), agreement), file);
  }
});
