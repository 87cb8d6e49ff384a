import { createServer } from "node:http";
import { listen, sendJson, type RunningServer } from "../http/listen.ts";
import { METRICS_CONTENT_TYPE, renderMetrics } from "./metrics.ts";

/** Where a process serves its operations endpoints, or not at all. */
export type OpsListen = { kind: "off" } | { kind: "listen"; host: string; port: number };

/**
 * Serves `/metrics` (Prometheus text) and `/healthz` on the operations port, apart from the
 * GraphQL port: metrics name agreements, subgraphs and error rates, which a caller of the public
 * API has no business reading. Bound to 127.0.0.1 unless configured otherwise (a scraper in the
 * same pod or host), so it needs no credential of its own.
 */
export async function startOpsServer(
  where: Extract<OpsListen, { kind: "listen" }>,
  /** What `/metrics` answers. Default: this process's metrics ({@link renderMetrics}). */
  render: () => Promise<string> = renderMetrics,
): Promise<RunningServer> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "GET" && req.method !== "HEAD") return sendJson(res, 405, { error: "use GET" });
    if (path === "/healthz") return sendJson(res, 200, { status: "ok" });
    if (path !== "/metrics") return sendJson(res, 404, { error: "not found" });
    render().then(
      (text) => {
        res.setHeader("content-type", METRICS_CONTENT_TYPE);
        res.end(text);
      },
      () => sendJson(res, 500, { error: "metrics unavailable" }),
    );
  });
  return listen(server, where.port, where.host, "/metrics");
}
