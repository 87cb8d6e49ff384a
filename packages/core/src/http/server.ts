import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Logger } from "../log.ts";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { contextFromHeaders, traceContext, tracer, tracingEnabled } from "../telemetry/tracing.ts";

/** A non-GraphQL route: answers a GET (or HEAD) at an exact path. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | void;

/** Options of {@link createGraphQLHttpServer}. */
export interface GraphQLHttpServerOptions<TContext extends BaseContext> {
  apollo: ApolloServer<TContext>;
  /** Builds the per-request context; loaders and the principal are created here, once per request. */
  context: (req: IncomingMessage, requestId: string) => Promise<TContext>;
  /** Path of the GraphQL endpoint. Default `/graphql`. */
  path?: string;
  /** Extra GET routes by exact path (health checks, metrics, static assets). */
  routes?: Record<string, RouteHandler>;
  /** Answers a browser's GET of the endpoint (an HTML explorer). Default: none. */
  landingPage?: RouteHandler;
  /** Largest request body accepted, bytes. Default 1 MiB. */
  maxBodyBytes?: number;
  /**
   * Runs after the body is read and before Apollo sees the request: it may authenticate, replace
   * the body (e.g. resolve a persisted operation) or refuse the request outright.
   */
  prepare?: (req: IncomingMessage, body: unknown, requestId: string) => Promise<Prepared>;
  /** The service's name in spans (`citygraph.service`). Default: none. */
  service?: string;
  log: Logger;
}

/** What {@link GraphQLHttpServerOptions.prepare} decided. */
export type Prepared =
  | { kind: "continue"; body: unknown }
  | { kind: "refuse"; status: number; code: string; message: string; headers?: Record<string, string> };

/** A started HTTP server. */
export interface RunningServer {
  server: Server;
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves an Apollo Server over Node's HTTP with no framework: the GraphQL endpoint (GET and POST,
 * GraphQL-over-HTTP status codes from Apollo), exact-path routes, and a request id taken from
 * `x-request-id` or made here.
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(
  options: GraphQLHttpServerOptions<TContext>,
): Server {
  const path = options.path ?? "/graphql";
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // A client's id is kept (to correlate logs) only when it is a plain token; anything else — empty,
    // huge, odd characters — would end up in logs and the access ledger, so it is replaced.
    const offered = headerValue(req, "x-request-id");
    const requestId = offered && REQUEST_ID.test(offered) ? offered : randomUUID();
    res.setHeader("x-request-id", requestId);
    if (url.pathname !== path) {
      const route = options.routes?.[url.pathname];
      if (route && (req.method === "GET" || req.method === "HEAD")) return route(req, res);
      return sendJson(res, 404, { error: "not found" });
    }
    if (req.method === "GET" && options.landingPage && prefersHtml(req)) return options.landingPage(req, res);
    if (req.method !== "GET" && req.method !== "POST") {
      res.setHeader("allow", "GET, POST");
      return sendJson(res, 405, { errors: [{ message: "Use GET or POST", extensions: { code: "BAD_REQUEST" } }] });
    }
    const body = req.method === "POST" ? await readBody(req, maxBody) : undefined;
    if (body === TOO_LARGE) {
      return sendJson(res, 413, {
        errors: [{ message: `Request body exceeds ${maxBody} bytes`, extensions: { code: "BAD_REQUEST" } }],
      });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    let parsed: unknown = body;
    if (typeof body === "string" && (headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = body.length ? JSON.parse(body) : undefined;
      } catch {
        return sendJson(res, 400, { errors: [{ message: "Body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
      }
    }
    if (options.prepare) {
      const prepared = await options.prepare(req, parsed, requestId);
      if (prepared.kind === "refuse") {
        for (const [key, value] of Object.entries(prepared.headers ?? {})) res.setHeader(key, value);
        return sendJson(res, prepared.status, { errors: [{ message: prepared.message, extensions: { code: prepared.code } }] });
      }
      parsed = prepared.body;
    }
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method, headers, search: url.search, body: parsed },
      context: () => options.context(req, requestId),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
  const run = (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (!tracingEnabled()) return handle(req, res);
    // One server span per request, continuing the caller's trace (`traceparent`): the gateway's
    // subgraph fetches carry it, so a client request is one trace across every service.
    return traceContext.with(contextFromHeaders(req.headers), () =>
      tracer.startActiveSpan(
        `${req.method ?? "GET"} ${new URL(req.url ?? "/", "http://localhost").pathname}`,
        { kind: SpanKind.SERVER, attributes: { "http.request.method": req.method ?? "", "citygraph.service": options.service ?? "" } },
        async (span) => {
          try {
            await handle(req, res);
          } finally {
            span.setAttribute("http.response.status_code", res.statusCode);
            if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
            span.end();
          }
        },
      ),
    );
  };
  return createServer((req, res) => {
    run(req, res).catch((error: unknown) => {
      options.log.error("http handler failed", { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error" }] });
      else res.destroy();
    });
  });
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

/** The first value of a request header, if present. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function prefersHtml(req: IncomingMessage): boolean {
  const accept = headerValue(req, "accept") ?? "";
  return accept.includes("text/html") && !new URL(req.url ?? "/", "http://localhost").searchParams.has("query");
}

const TOO_LARGE = Symbol("too large");
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

async function readBody(req: IncomingMessage, max: number): Promise<string | typeof TOO_LARGE> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) return TOO_LARGE;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}
