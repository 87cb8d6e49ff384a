import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "@citygraph/platform";

/** A Redis a test file may use: found (REDIS_URL, or one on 127.0.0.1:6379) or started for the file. */
export type TestRedis = { kind: "ready"; url: string; stop(): Promise<void> } | { kind: "absent"; reason: string };

async function answers(url: string): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/**
 * Finds a Redis, or starts `redis-server` on a free port (no persistence) for this test file.
 * Only when neither is possible does it answer `absent` with a reason for the test's skip message:
 * a fresh machine may lack Redis, and the PostgreSQL quota store is tested without it.
 */
export async function testRedis(): Promise<TestRedis> {
  for (const url of [process.env.REDIS_URL, "redis://127.0.0.1:6379"]) {
    if (url && (await answers(url))) return { kind: "ready", url, stop: async () => undefined };
  }
  if (spawnSync("redis-server", ["--version"]).error) {
    return { kind: "absent", reason: "no Redis answers at REDIS_URL or 127.0.0.1:6379 and redis-server is not installed (apt-get install redis-server)" };
  }
  const port = await freePort();
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  for (let attempt = 0; attempt < 50; attempt++) {
    if (await answers(url)) return { kind: "ready", url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  throw new Error(`redis-server did not answer on port ${port}`);
}
