import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** A started HTTP server. */
export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  /**
   * Stops taking connections and drains the open ones: each answers what it is sent until its
   * current response ends, with `Connection: close`, so that its client moves to another
   * instance instead of having a keep-alive socket cut under a request.
   */
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
  let draining = false;
  // Node keeps serving a busy keep-alive connection after `close()` until it is cut: a client
  // sending back to back never sees its socket idle, and loses the request in flight at the cut.
  // So every response not yet begun when draining starts, and every one after, closes its
  // connection. First in line, before any handler can write its head.
  const unanswered = new Set<ServerResponse>();
  server.prependListener("request", (_req: IncomingMessage, res: ServerResponse) => {
    if (draining) return void res.setHeader("connection", "close");
    unanswered.add(res);
    res.once("close", () => unanswered.delete(res));
  });
  return {
    server,
    port: address.port,
    url: `http://${host}:${address.port}${path}`,
    // Idle keep-alive sockets close at once; busy ones after their response; requests still in
    // flight after `graceMs` are cut, so stopping never waits out the 65 s keep-alive timeout.
    close: () =>
      new Promise<void>((resolve, reject) => {
        draining = true;
        for (const res of unanswered) if (!res.headersSent) res.setHeader("connection", "close");
        unanswered.clear();
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

