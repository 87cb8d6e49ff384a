import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createSubgraphFetcher } from "../../../services/gateway/src/subgraph-fetcher.ts";

/** The gateway's HTTP client for one subgraph, against a real HTTP server. */
describe("the subgraph fetcher", () => {
  let server: Server;
  let url: string;
  const received: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        received.push({ method: req.method, url: req.url, headers: req.headers, body });
        if (req.url?.startsWith("/slow")) return void setTimeout(() => res.end("{}"), 2_000);
        const status = req.url?.startsWith("/refuse") ? 401 : 200;
        res.writeHead(status, [["content-type", "application/json"], ["set-cookie", "a=1"], ["set-cookie", "b=2"]]);
        res.end(JSON.stringify({ data: { echo: body } }));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("POSTs the body and headers it is given to the subgraph's path, and answers its status, headers and body", async () => {
    const fetcher = createSubgraphFetcher({ url: `${url}/graphql?x=1`, timeoutMs: 5_000 });
    try {
      const response = await fetcher.fetch(`${url}/graphql?x=1`, { method: "POST", headers: { authorization: "Bearer t", "content-type": "application/json" }, body: '{"query":"{a}"}' });
      assert.equal(response.ok, true);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "application/json");
      assert.equal(response.headers.get("set-cookie"), "a=1, b=2");
      assert.deepEqual(await response.json(), { data: { echo: '{"query":"{a}"}' } });
      assert.equal(await response.clone().text(), JSON.stringify({ data: { echo: '{"query":"{a}"}' } }));
      const last = received.at(-1)!;
      assert.deepEqual([last.method, last.url, last.headers.authorization], ["POST", "/graphql?x=1", "Bearer t"]);
    } finally {
      await fetcher.close();
    }
  });

  it("answers a refusal as a response that is not ok, for the data source to turn into its error", async () => {
    const fetcher = createSubgraphFetcher({ url: `${url}/refuse`, timeoutMs: 5_000 });
    try {
      const response = await fetcher.fetch(`${url}/refuse`, { method: "POST", body: "{}" });
      assert.deepEqual([response.ok, response.status], [false, 401]);
    } finally {
      await fetcher.close();
    }
  });

  it("rejects with a TimeoutError when the subgraph does not answer in time", async () => {
    const fetcher = createSubgraphFetcher({ url: `${url}/slow`, timeoutMs: 200 });
    try {
      const started = Date.now();
      await assert.rejects(fetcher.fetch(`${url}/slow`, { method: "POST", body: "{}" }), { name: "TimeoutError" });
      assert.ok(Date.now() - started < 1_500, "gave up at the timeout, not when the subgraph answered");
    } finally {
      await fetcher.close();
    }
  });
});
