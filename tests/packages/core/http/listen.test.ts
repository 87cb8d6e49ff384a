import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { listen } from "@citygraph/core";

/**
 * One request over a keep-alive agent: the status and `Connection` header, or the error's code.
 * Like any careful client (Node's documentation says so), it sends again once, on a new
 * connection, when a reused idle socket was closed under it: that race belongs to keep-alive
 * itself, not to draining (a retry on another pooled socket could meet the same race again).
 */
function get(url: string, agent: http.Agent, retried = false): Promise<{ status: number; connection: string | undefined } | { error: string }> {
  return new Promise((resolve) => {
    const req = http.get(url, retried ? { agent: false } : { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode!, connection: res.headers.connection }));
    });
    req.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ECONNRESET" && req.reusedSocket && !retried) resolve(get(url, agent, true));
      else resolve({ error: error.code ?? error.message });
    });
  });
}

describe("listen: stopping a server", () => {
  it("drains busy keep-alive connections with `Connection: close` instead of cutting a request in flight", async () => {
    // Every request takes 20 ms, so a client sending back to back always has one in flight.
    const server = http.createServer((_req, res) => void setTimeout(() => res.end("ok"), 20));
    const running = await listen(server, 0, "127.0.0.1", "/", 10_000);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    let closing = false;
    const afterClose: { status: number; connection: string | undefined }[] = [];
    const errors: string[] = [];
    const loops = Array.from({ length: 8 }, async () => {
      for (;;) {
        const started = closing;
        const answer = await get(running.url, agent);
        // Every error, whenever its request was sent (one sent just before stopping may be refused
        // on its retry), and every answer to a request sent once stopping began.
        if ("error" in answer) errors.push(answer.error);
        else if (started) afterClose.push(answer);
        if ("error" in answer) return;
      }
    });
    // A failed assertion must not leave the loops running: the file would never exit.
    after(() => {
      agent.destroy();
      server.closeAllConnections();
      server.close();
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    closing = true;
    const stopped = running.close();
    // Without draining, the busy sockets stay open until the 10 s cut, which kills their requests.
    let timer: NodeJS.Timeout | undefined;
    const outcome = await Promise.race([
      stopped.then(() => "stopped"),
      new Promise((resolve) => (timer = setTimeout(resolve, 5_000, "still open"))),
    ]).finally(() => clearTimeout(timer));
    assert.equal(outcome, "stopped", "the server stops as soon as its connections' last responses end");
    await Promise.all(loops);
    agent.destroy();
    assert.deepEqual([...new Set(errors)], ["ECONNREFUSED"], "clients are refused a new connection, never cut mid-request");
    assert.ok(afterClose.every((a) => a.status === 200 && a.connection === "close"), JSON.stringify(afterClose));
  });
});
