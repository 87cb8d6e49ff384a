import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO_ROOT } from "@citygraph/platform";
import { metricsRegistry } from "@citygraph/core";

/** The Grafana dashboard shipped in deploy/grafana charts metrics that exist. */
describe("Grafana dashboard", () => {
  it("queries only metrics the platform exports", async () => {
    const dashboard = JSON.parse(readFileSync(join(REPO_ROOT, "deploy/grafana/citygraph-dashboard.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    const exported = new Set((await metricsRegistry.getMetricsAsJSON()).map((m) => m.name));
    assert.ok(dashboard.panels.length >= 10);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        for (const [name] of expr.matchAll(/citygraph_[a-z0-9_]+/g)) {
          const base = name.replace(/_(bucket|count|sum)$/, "");
          assert.ok(exported.has(base) || exported.has(name), `${panel.title}: ${name} is not exported`);
        }
      }
    }
  });
});
