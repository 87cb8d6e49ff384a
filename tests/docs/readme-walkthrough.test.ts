import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { buildSchema, parse, validate } from "graphql";
import { SUBGRAPH_NAMES, creditCodeProblem, findDistrict, scopeProblem } from "@citygraph/core";
import { API_SCHEMA_PATH } from "@citygraph/supergraph";
import { REPO_ROOT } from "@citygraph/platform";

const README = readFileSync(join(REPO_ROOT, "README.md"), "utf8");

/** Every `citygraph agreement …` command line of the README, continuation lines joined. */
function agreementCommands(): string[] {
  return README.replace(/\\\n\s*/g, " ")
    .split("\n")
    .filter((line) => /^citygraph agreement /.test(line.trim()));
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

test("the operation file the README registers ships with the repo and is valid against the API schema", () => {
  const files = agreementCommands().map((line) => flag(line, "file")).filter((file): file is string => Boolean(file));
  assert.ok(files.length > 0, "the walkthrough registers an operation file");
  const schema = buildSchema(readFileSync(API_SCHEMA_PATH, "utf8"));
  for (const file of files) {
    const path = join(REPO_ROOT, file);
    assert.ok(existsSync(path), `${file} is in the repository`);
    assert.deepEqual(validate(schema, parse(readFileSync(path, "utf8"))).map(String), [], file);
  }
});
