import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { REPO_ROOT, SUBGRAPH_DEFINITIONS, freePort } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

/** `citygraph start` as a user runs it: a process that becomes ready, and stops on Ctrl-C. */
describe("citygraph start", () => {
  let database: TestDatabase | undefined;
  const children: ChildProcess[] = [];
  after(async () => {
    // A failed assertion must not leave a platform running (its services stop with their supervisor).
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await database?.drop();
  });

  function start(databaseUrl: string, extra: NodeJS.ProcessEnv = {}): { child: ChildProcess; ready: Promise<{ url: string; output: string }> } {
    const ports = Object.fromEntries(Object.keys(SUBGRAPH_DEFINITIONS).map((name) => [`${name.toUpperCase()}_PORT`, "0"]));
    const child = spawn(process.execPath, ["bin/citygraph.mjs", "start"], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", CITYGRAPH_OPS_PORT: "0", LOG_LEVEL: "info", ...ports, ...extra },
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    let output = "";
    const chunks: string[] = [];
    outputs.set(child, chunks);
    child.stdout!.on("data", (c: Buffer) => chunks.push(c.toString()));
    child.stderr!.on("data", (c: Buffer) => chunks.push(c.toString()));
    const ready = new Promise<{ url: string; output: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 180 s:\n${output}`)), 180_000);
      const read = (chunk: Buffer) => {
        output += chunk.toString();
        const match = /Explorer \(open in a browser\):\s+(\S+)/.exec(output);
        if (match) {
          clearTimeout(timer);
          resolve({ url: match[1]!, output });
        }
      };
      child.stdout!.on("data", read);
      child.stderr!.on("data", read);
      child.once("exit", (code) => reject(new Error(`exited with ${code} before ready:\n${output}`)));
    });
    return { child, ready };
  }

  const outputs = new WeakMap<ChildProcess, string[]>();
  async function outputOf(started: { child: ChildProcess }): Promise<string> {
    return (outputs.get(started.child) ?? []).join("");
  }

  function stopped(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      if (child.exitCode !== null) resolve(child.exitCode);
      else child.once("close", (code) => resolve(code));
    });
  }

  it("migrates, seeds an empty database, serves, stops cleanly on SIGINT, and reuses the data next time", async () => {
    database = await createTestDatabase();
    const first = start(database.url);
    const { url, output } = await first.ready;
    assert.match(output, /"message":"seeded"/);
    assert.equal((await fetch(new URL("/readyz", url))).status, 200);
    const districts = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: "{ districts { code } }" }),
    });
    assert.equal(((await districts.json()) as { data: { districts: unknown[] } }).data.districts.length, 16);
    // The operations port it printed serves the platform's metrics, the query above included.
    const metricsUrl = /Metrics \(Prometheus\):\s+(\S+)/.exec(output)?.[1];
    assert.ok(metricsUrl, "start prints where metrics are");
    assert.match(new URL(metricsUrl).hostname, /^127\./, "the operations port is private by default");
    assert.match(await (await fetch(metricsUrl)).text(), /citygraph_graphql_requests_total\{service="gateway",outcome="ok",code=""\} [1-9]/);

    // One process per service, supervised: a subgraph killed outright comes back and serves again.
    const healthPid = Number(/"supervised":"health","supervisedPid":(\d+),"message":"service ready"/.exec(output)?.[1]);
    assert.ok(healthPid > 0 && healthPid !== first.child.pid, "the health subgraph runs in a process of its own");
    process.kill(healthPid, "SIGKILL");
    const query = JSON.stringify({ query: "{ feverClinics { name } }" });
    let recovered = false;
    for (let i = 0; i < 600 && !recovered; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const restarted = /"supervised":"health","supervisedPid":(\d+),"message":"service ready"/g;
      const pids = [...(await outputOf(first)).matchAll(restarted)].map((m) => Number(m[1]));
      recovered = pids.some((pid) => pid !== healthPid) && (await fetch(new URL("/readyz", url)).then((r) => r.ok, () => false));
    }
    assert.ok(recovered, "the gateway is ready again after the health subgraph crashed");
    assert.match(await outputOf(first), /"supervised":"health"[^\n]*"message":"service exited; restarting"/);
    const afterCrash = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: query });
    const answered = (await afterCrash.json()) as { data?: { feverClinics: unknown[] }; errors?: unknown };
    assert.equal(answered.errors, undefined, JSON.stringify(answered.errors));
    assert.ok((answered.data?.feverClinics.length ?? 0) > 0, "the restarted health subgraph answers");

    first.child.kill("SIGINT");
    // 130: terminated by SIGINT, after the gateway and the subgraphs stopped.
    assert.equal(await stopped(first.child), 130);
    assert.match(await outputOf(first), /"message":"stopped"/);

    // An operations port of one's own: the gateway's, and the subgraphs' on the ports after it.
    const opsBase = await freePort();
    const second = start(database.url, { CITYGRAPH_OPS_PORT: String(opsBase) });
    const again = await second.ready;
    assert.doesNotMatch(again.output, /"message":"seeded"/, "a second start seeds nothing");
    assert.match(again.output, new RegExp(`:${opsBase}/metrics  \\(gateway; subgraphs on registry ${opsBase + 1}, `));
    const healthOps = Number(new RegExp("health (\\d+)").exec(again.output)?.[1]);
    assert.ok(healthOps > opsBase && healthOps <= opsBase + 6);
    assert.match(await (await fetch(`http://127.0.0.1:${healthOps}/metrics`)).text(), /service="health"/);
    second.child.kill("SIGINT");
    assert.equal(await stopped(second.child), 130);
  });
});
