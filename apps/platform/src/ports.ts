import { readFileSync } from "node:fs";
import { createServer, type AddressInfo } from "node:net";

/** Linux's default `ip_local_port_range`; macOS and Windows hand out 49152–65535, above it. */
const DEFAULT_EPHEMERAL = { low: 32768, high: 60999 };
/** The lowest port picked: below are the well-known and registered services' habitual ports. */
const LOWEST = 10_000;
const ATTEMPTS = 50;

function ephemeralRange(): { low: number; high: number } {
  try {
    const [low, high] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (Number.isInteger(low) && Number.isInteger(high)) return { low: low!, high: high! };
  } catch {
    // Not Linux: the default below is the lowest any of them uses.
  }
  return DEFAULT_EPHEMERAL;
}

function tryListen(port: number, host: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once("error", () => resolve(undefined));
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
 * the range is only ever taken by someone who names it.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const { low } = ephemeralRange();
  const high = Math.min(low, DEFAULT_EPHEMERAL.low) - 1;
  for (let attempt = 0; attempt < ATTEMPTS && high > LOWEST; attempt++) {
    const candidate = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    const port = await tryListen(candidate, host);
    if (port !== undefined) return port;
  }
  // Below the range every port tried was taken: an ephemeral one is still better than none.
  const port = await tryListen(0, host);
  if (port === undefined) throw new Error(`No TCP port can be bound on ${host}.`);
  return port;
}
