import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { Environment, REPO_ROOT, VARIABLES, logLevelFromEnv, observabilityFromEnv } from "@citygraph/platform";

/** The variable names in the first column of the README's Configuration table. */
function readmeVariables(): string[] {
  const readme = readFileSync(join(REPO_ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("\n## Configuration\n"), readme.indexOf("\n## Errors\n"));
  return section
    .split("\n")
    .filter((line) => line.startsWith("| `"))
    .flatMap((line) => [...line.split("|")[1]!.matchAll(/`([^`]+)`/g)].map((m) => m[1]!));
}

test("the README's Configuration table names exactly the variables the configuration module reads", () => {
  const documented = readmeVariables();
  assert.ok(documented.length > 30, "the table was found");
  assert.deepEqual([...documented].sort(), [...VARIABLES].sort());
  assert.equal(new Set(documented).size, documented.length, "each variable has one row");
});

test("every registered variable is read somewhere: none is listed and ignored", () => {
  const files = ["apps/platform/src", "apps/cli/src", "services", "packages", "tests/support"]
    .flatMap((dir) => filesUnder(join(REPO_ROOT, dir)))
    .filter((file) => file.endsWith(".ts") && !file.includes("/generated/"));
  // The registry's own list does not count as a read.
  const text = files
    .map((file) => readFileSync(file, "utf8"))
    .map((source) => source.replace(/export const VARIABLES = \[[\s\S]*?\] as const;/, ""))
    .join("\n");
  for (const name of VARIABLES) {
    // `DATABASE_URL_<NAME>` is read as `DATABASE_URL_${…}`, `<NAME>_PORT` as `${…}_PORT`.
    const [head, tail] = name.split("<NAME>");
    const read = tail === undefined ? text.includes(`"${name}"`) || text.includes(`.${name}`) : new RegExp(`\`${head}\\$\\{[^}]+\\}${tail}\``).test(text);
    assert.ok(read, `${name} is in VARIABLES but nothing reads it`);
  }
});

test("malformed values fail naming the variable, and empty ones read as unset", () => {
  assert.throws(() => new Environment({ PORT: "eighty" }).int("PORT", 4000, { min: 0, max: 65535 }), /PORT="eighty" is invalid/);
  assert.equal(new Environment({ PORT: "" }).int("PORT", 4000, { min: 0, max: 65535 }), 4000);
  assert.throws(() => logLevelFromEnv({ LOG_LEVEL: "verbose" }), /LOG_LEVEL="verbose" is not a level: use one of debug, info, warn, error/);
  assert.throws(() => observabilityFromEnv("gateway", 9400, { OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" }), /OTEL_EXPORTER_OTLP_ENDPOINT/);
  assert.deepEqual(observabilityFromEnv("gateway", 9400, { CITYGRAPH_OPS_PORT: "off" }).ops, { kind: "off" });
});

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.name === "node_modules" ? [] : entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

test("whole numbers are digits only: hex, exponents, signs and spaces are refused, naming the variable", () => {
  for (const raw of ["0x1130", "1e3", " 4400", "+4400", "4400.0"]) {
    assert.throws(() => new Environment({ PORT: raw }).int("PORT", 4000, { min: 0, max: 65535 }), /PORT=.* is invalid: use a whole number from 0 to 65535/, raw);
  }
  assert.equal(new Environment({ PORT: "4400" }).int("PORT", 4000, { min: 0, max: 65535 }), 4400);
});
