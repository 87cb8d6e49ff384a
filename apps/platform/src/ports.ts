import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StartupError } from "@citygraph/core/errors";

/** Linux's default `ip_local_port_range`; macOS and Windows hand out 49152–65535, above it. */
const DEFAULT_EPHEMERAL = { low: 32768, high: 60999 };
/** The lowest port picked: below are the well-known and registered services' habitual ports. */
const LOWEST = 10_000;
const ATTEMPTS = 50;
/** How long a port {@link freePort} handed out stays off limits to every other `freePort` call on this machine, milliseconds. */
const RESERVATION_MS = 10 * 60_000;
/** One empty file per port handed out; shared by every process of every checkout on this machine. */
const RESERVATIONS = join(tmpdir(), "citygraph-ports");

/**
 * Claims `port` for this caller unless another `freePort` call on this machine claimed it in the
 * last {@link RESERVATION_MS}. A free port is only free until someone binds it: `citygraph start`
 * settles its ports seconds before its services bind them, and in that window a test's Redis or
 * another `citygraph start` probing at random found the same port free and took it (CI saw a
 * subgraph fail three times over on a port a parallel test held). The claim is an exclusive
 * file create, which every process sees; a directory that cannot be written leaves only the probe.
 */
function claim(port: number): boolean {
  const file = join(RESERVATIONS, String(port));
  const create = () => writeFileSync(file, String(process.pid), { flag: "wx" });
  try {
    mkdirSync(RESERVATIONS, { recursive: true });
    create();
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") return true;
  }
  try {
    if (Date.now() - statSync(file).mtimeMs < RESERVATION_MS) return false;
    rmSync(file, { force: true });
    create();
    return true;
  } catch {
    // Another caller renewed the stale claim first.
    return false;
  }
}

function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // Not Linux: the default below is the lowest any of them uses.
  }
  return DEFAULT_EPHEMERAL;
}

function tryListen(port: number, host: string, onError: (error: NodeJS.ErrnoException) => void = () => undefined): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", (error: NodeJS.ErrnoException) => {
      onError(error);
      resolve(undefined);
    });
    probe.listen(port, host, () => {
      const { port: bound } = probe.address() as AddressInfo;
      probe.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port free on `host` now, for a service that must be told its port before it binds it.
 *
 * The port is chosen below the kernel's ephemeral range. Between this probe and the service's own
 * bind, any process may bind port 0 or open an outgoing connection and be handed an ephemeral
 * port; a port found with `listen(0)` is one of those, and CI saw one taken that way (the
 * gateway's operations port, held by another test's server through three restarts). A port below
 * the range is only ever taken by someone who names it, and a port handed out here is claimed for
 * ten minutes against every other call on the machine (see `claim`).
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const { low } = ephemeralRange();
  const high = Math.min(low, DEFAULT_EPHEMERAL.low) - 1;
  for (let attempt = 0; attempt < ATTEMPTS && high > LOWEST; attempt++) {
    const candidate = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    if (!claim(candidate)) continue;
    const port = await tryListen(candidate, host);
    if (port !== undefined) return port;
  }
  // Below the range every port tried was taken: an ephemeral one is still better than none.
  const port = await tryListen(0, host);
  if (port === undefined) throw new Error(`No TCP port can be bound on ${host}.`);
  return port;
}

/** The message for a port a service cannot bind: what holds it, and the variable that moves it. */
export function portProblem(error: NodeJS.ErrnoException, port: number, host: string, variable: string): StartupError | undefined {
  switch (error.code) {
    case "EADDRINUSE":
      return new StartupError(`Port ${port} on ${host} is in use (${variable}): stop what listens there (another citygraph?) or set ${variable} to a free port (0 picks one).`);
    case "EACCES":
      return new StartupError(`Port ${port} on ${host} needs privileges this process lacks (${variable}): set ${variable} to a port above 1023.`);
    case "EADDRNOTAVAIL":
      return new StartupError(`${host} is not an address of this machine (HOST): set HOST to one of its addresses, 127.0.0.1 or 0.0.0.0.`);
    default:
      return undefined;
  }
}

/**
 * Fails with {@link portProblem}'s message unless `port` can be bound on `host` now: `citygraph
 * start` checks every fixed port before it starts anything, rather than let a service fail three
 * times over.
 */
export async function assertPortFree(port: number, host: string, variable: string): Promise<number> {
  let failure: NodeJS.ErrnoException | undefined;
  if ((await tryListen(port, host, (error) => (failure = error))) !== undefined) return port;
  throw (failure && portProblem(failure, port, host, variable)) ?? new StartupError(`Port ${port} on ${host} cannot be bound (${variable}): ${failure?.code ?? "unknown reason"}.`);
}

/** Runs a service's `listen`, turning a port it cannot bind into {@link portProblem}'s message. */
export async function listenExplained<T>(listen: () => Promise<T>, port: number, host: string, variable: string): Promise<T> {
  try {
    return await listen();
  } catch (error) {
    throw portProblem(error as NodeJS.ErrnoException, port, host, variable) ?? error;
  }
}
