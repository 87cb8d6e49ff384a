import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_REGISTRY, ErrorCode, clientError, createErrorFormatter, type ErrorSpec } from "@citygraph/core";
import { REPO_ROOT } from "@citygraph/platform";

/** The README's Errors table: code → the HTTP statuses its row names. */
function readmeErrorTable(): Map<string, number[]> {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Errors"), readme.indexOf("\n## ", readme.indexOf("## Errors") + 1));
  const rows = new Map<string, number[]>();
  for (const line of section.split("\n")) {
    const match = /^\| `([A-Z_]+)` \|.*\| ([^|]+) \|$/.exec(line);
    if (!match) continue;
    assert.ok(!rows.has(match[1]!), `${match[1]} has two rows`);
    rows.set(match[1]!, [...new Set([...match[2]!.matchAll(/\b[1-5]\d\d\b/g)].map((m) => Number(m[0])))].sort());
  }
  return rows;
}

function statusesOf(spec: ErrorSpec): number[] {
  return [...new Set([spec.status, ...(spec.otherStatuses ?? [])])].sort();
}

describe("the error registry", () => {
  it("is the README's Errors table: the same codes with the same HTTP statuses", () => {
    const readme = readmeErrorTable();
    const registry = new Map(Object.entries(ERROR_REGISTRY).map(([code, spec]) => [code, statusesOf(spec)]));
    assert.deepEqual([...readme.keys()].sort(), [...registry.keys()].sort(), "codes in the README vs the registry");
    for (const [code, statuses] of registry) assert.deepEqual(readme.get(code), statuses, `HTTP statuses of ${code}`);
  });

  it("names every code by itself", () => {
    for (const code of Object.keys(ERROR_REGISTRY)) assert.equal(ErrorCode[code as ErrorCode], code);
  });

  it("builds errors with the code's status and refuses a status the registry does not list", () => {
    const error = clientError(ErrorCode.QUOTA_STORE_UNAVAILABLE, "down", { headers: { "retry-after": "5" } });
    assert.equal(error.extensions.code, "QUOTA_STORE_UNAVAILABLE");
    assert.deepEqual((error.extensions.http as { status: number }).status, 503);
    assert.throws(() => clientError(ErrorCode.FORBIDDEN, "x", { status: 500 }), /not sent with HTTP 500/);
  });

  it("lets registered codes through the formatter and masks the rest", () => {
    const logged: string[] = [];
    const format = createErrorFormatter({ log: (message) => logged.push(message) });
    const known = clientError(ErrorCode.SUBGRAPH_UNAVAILABLE, "The transport subgraph is unavailable", { extensions: { subgraph: "transport" } });
    assert.equal(format({ message: known.message, extensions: known.extensions }, known).extensions?.code, "SUBGRAPH_UNAVAILABLE");
    const unknown = new Error("connect ECONNREFUSED 10.0.0.1:5432");
    const masked = format({ message: unknown.message, extensions: { code: "SOMETHING" } }, unknown);
    assert.equal(masked.extensions?.code, "INTERNAL_SERVER_ERROR");
    assert.doesNotMatch(masked.message, /ECONNREFUSED/);
    assert.equal(logged.length, 1);
  });
});
