import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "@citygraph/platform";

/** A Redis a test file may use: found (REDIS_URL, or one on 127.0.0.1:6379) or started for the file. */
export type TestRedis = { kind: "ready"; url: string; stop(): Promise<void> } | { kind: "absent"; reason: string };

/** Whether a Redis answers at `url` (and, given `pid`, whether it is that process and not another's). */
async function answers(url: string, pid?: number): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: 1_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    if ((await probe.ping()) !== "PONG") return false;
    return pid === undefined || new RegExp(`^process_id:${pid}\\r?$`, "m").test(await probe.info("server"));
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
  // A port free when chosen may be bound by another test file's service before redis-server binds
  // it (the suite runs files in parallel): then the server exits at once, and another port is tried.
  const failures: string[] = [];
  for (let attempt = 0; attempt < 3; attempt++) {
    const started = await startRedisServer(await freePort());
    if (started.kind === "ready") return started;
    failures.push(started.reason);
  }
  throw new Error(`redis-server could not be started:\n${failures.join("\n")}`);
}

/** How long a started redis-server may take to answer: generous, for a machine busy with the whole suite. */
const READY_WITHIN_MS = 30_000;

async function startRedisServer(port: number): Promise<TestRedis> {
  const child: ChildProcess = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  // The last of what it printed, read all along so the pipe never fills, for the failure message.
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-2_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + READY_WITHIN_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      return { kind: "absent", reason: `port ${port}: redis-server exited (${child.exitCode ?? child.signalCode}): ${output.trim()}` };
    }
    if (await answers(url, child.pid)) return { kind: "ready", url, stop };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stop();
  return { kind: "absent", reason: `port ${port}: redis-server did not answer within ${READY_WITHIN_MS} ms: ${output.trim()}` };
}
