import type { Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A started HTTP server. */
export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port` (port 0 picks a free one) and resolves with the URL of `path`. */
export async function listen(server: Server, port: number, host: string, path = "/graphql", graceMs = 2_000): Promise<RunningServer> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  server.keepAliveTimeout = 65_000;
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}${path}`,
    // Idle keep-alive sockets close at once; requests in flight get `graceMs` to finish, then their
    // sockets are closed too, so stopping never waits out the 65 s keep-alive timeout.
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), graceMs).unref();
      }),
  };
}

/** Writes a JSON response. */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

