import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { REPO_ROOT } from "@citygraph/platform";
import { describe as describeValue } from "@citygraph/core";

/** Runs `script` (an ES module using @citygraph/core) in a child and returns its log lines. */
function logLinesOf(script: string): (Record<string, unknown> & { raw: string })[] {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: REPO_ROOT,
    env: { ...process.env, LOG_LEVEL: "info" },
    encoding: "utf8",
  });
  assert.equal(run.status, 0, run.stderr);
  return run.stderr
    .split("\n")
    .filter(Boolean)
    .map((line) => ({ ...(JSON.parse(line) as Record<string, unknown>), raw: line }));
}

describe("logs", () => {
  it("are JSON lines with time, level, message and bindings; credentials and personal kinds are redacted", () => {
    const [line] = logLinesOf(`
      import { createLogger } from "@citygraph/core";
      createLogger({ service: "citygraph" }).child({ service: "gateway" }).child({ requestId: "req-12345678" }).warn("refused", {
        idNumber: "410105198703156758", headers: { authorization: "Bearer abc", "x-api-key": "cgk_secret" },
        person: { phone: "15817124956", address: "航海路91号" }, coordinate: "Person.idNumber", message: "from a library",
      });`);
    assert.ok(line);
    // A key bound twice is replaced, not repeated (JSON with duplicate keys confuses log tools).
    assert.equal(line.raw.split('"service":').length - 1, 1, line.raw);
    assert.equal(line.raw.split('"message":').length - 1, 1, line.raw);
    assert.equal(line.detail, "from a library");
    assert.equal(line.level, "warn");
    assert.equal(line.message, "refused");
    assert.equal(line.service, "gateway");
    assert.equal(line.requestId, "req-12345678");
    assert.equal(line.coordinate, "Person.idNumber");
    assert.match(String(line.time), /^\d{4}-\d\d-\d\dT/);
    const text = JSON.stringify(line);
    for (const secret of ["410105198703156758", "Bearer abc", "cgk_secret", "15817124956", "航海路"]) {
      assert.ok(!text.includes(secret), `${secret} reached the log`);
    }
  });

  it("carry the trace id of the active span", () => {
    const [line] = logLinesOf(`
      import { InMemorySpanExporter, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-node";
      import { createLogger, startTracing, inSpan } from "@citygraph/core";
      await startTracing({ serviceName: "t", processor: new SimpleSpanProcessor(new InMemorySpanExporter()) });
      await inSpan("work", {}, async (span) => { createLogger().info("inside", { spanTrace: span.spanContext().traceId }); });`);
    assert.ok(line);
    assert.match(String(line.traceId), /^[0-9a-f]{32}$/);
    assert.equal(line.traceId, line.spanTrace);
  });

  it("describe() never turns an object into [object Object]", () => {
    assert.equal(describeValue(new Error("connection refused")), "connection refused");
    assert.equal(describeValue({ code: "ECONNREFUSED", port: 5432 }), '{"code":"ECONNREFUSED","port":5432}');
    assert.equal(describeValue("plain"), "plain");
  });
});
