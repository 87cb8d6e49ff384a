import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";

/** Runs the CLI from a directory outside the repo, as an operator with it on their PATH would. */
function citygraph(...args: string[]) {
  const run = spawnSync(process.execPath, [join(REPO_ROOT, "bin/citygraph.mjs"), ...args], { cwd: tmpdir(), encoding: "utf8", timeout: 60_000 });
  return { code: run.status, out: run.stdout, err: run.stderr };
}

describe("citygraph help", () => {
  it("lists every command, from any directory", () => {
    for (const args of [["help"], ["--help"], []]) {
      const { code, out, err } = citygraph(...args);
      assert.equal(code, 0, err);
      for (const command of ["start", "migrate", "seed", "compose", "serve", "token", "agreement", "audit"]) {
        assert.match(out, new RegExp(`^  ${command}\\b`, "m"), `${args.join(" ")} lists ${command}`);
      }
    }
  });

  it("shows one command's options with `help <command>` and `<command> --help`", () => {
    for (const args of [["help", "token"], ["token", "--help"]]) {
      const { code, out } = citygraph(...args);
      assert.equal(code, 0);
      assert.match(out, /--sub S --scopes/);
      assert.doesNotMatch(out, /^ {2}seed\b/m, "only that command");
    }
    const audit = citygraph("audit", "--help");
    assert.equal(audit.code, 0, audit.err);
    assert.match(audit.out, /verify/);
    const migrateSql = citygraph("migrate", "sql", "--help");
    assert.equal(migrateSql.code, 0, migrateSql.err);
    assert.match(migrateSql.out, /migrate sql <subgraph> \[--from old\.prisma\]/, "a subcommand's usage is in its command's");
  });

  it("will not sign a token for longer than the gateway accepts", () => {
    const { code, err } = citygraph("token", "--sub", "a", "--scopes", "audit:read", "--ttl", "99d");
    assert.equal(code, 1);
    assert.match(err, /--ttl 99d is longer than the gateway accepts \(CITYGRAPH_MAX_TOKEN_AGE, 12 h\)/);
    const expired = citygraph("token", "--sub", "a", "--scopes", "audit:read", "--ttl", "0s");
    assert.equal(expired.code, 1);
    assert.match(expired.err, /already expired/);
  });

  it("refuses an unknown command with the list, not a stack", () => {
    for (const args of [["frobnicate"], ["help", "frobnicate"]]) {
      const { code, err } = citygraph(...args);
      assert.equal(code, 1, args.join(" "));
      assert.match(err, /Unknown command "frobnicate"/);
      assert.doesNotMatch(err, /\n\s+at /, "no stack trace");
    }
  });

  it("finds the gateway on PORT, as `citygraph start` run with the same environment listens", () => {
    const run = spawnSync(process.execPath, [join(REPO_ROOT, "bin/citygraph.mjs"), "agreement", "list", "--as", "admin.a"], {
      cwd: tmpdir(),
      encoding: "utf8",
      timeout: 60_000,
      // Port 9 (discard) has no gateway behind it on any test machine.
      env: { ...process.env, PORT: "9", CITYGRAPH_URL: "", CITYGRAPH_TOKEN: "" },
    });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Cannot reach the gateway at http:\/\/127\.0\.0\.1:9\/graphql/);
  });
});
