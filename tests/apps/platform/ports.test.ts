import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { freePort } from "@citygraph/platform";

/**
 * `citygraph start` and the tests settle ports with `freePort` seconds before a service binds
 * them; two callers handed the same port in that window is one service failing to start.
 */
describe("free ports", () => {
  it("never hands the same port to two callers, in one process or another", async () => {
    const here = new Set<number>();
    for (let i = 0; i < 150; i++) here.add(await freePort());
    assert.equal(here.size, 150, "150 calls in one process, 150 different ports");
    // Another process drawing at random from the same range must skip every port claimed here
    // (without the claim, 300 draws from some 22 000 ports collide more often than not).
    const script = `import { freePort } from "@citygraph/platform"; const ports = []; for (let i = 0; i < 150; i++) ports.push(await freePort()); console.log(JSON.stringify(ports));`;
    const there: number[] = JSON.parse(
      execFileSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
        encoding: "utf8",
      }),
    );
    assert.equal(new Set(there).size, 150);
    assert.deepEqual(
      there.filter((port) => here.has(port)),
      [],
    );
  });

  it("hands out ports below the kernel's ephemeral range, where listen(0) never lands", async () => {
    const port = await freePort();
    assert.ok(port >= 10_000 && port < 32_768, String(port));
  });
});
