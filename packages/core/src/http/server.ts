import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { GraphQLFormattedError } from "graphql";
import { randomUUID } from "node:crypto";
import { HeaderMap, type ApolloServer, type BaseContext } from "@apollo/server";
import type { Logger } from "../log.ts";
import { isRequestError } from "../errors.ts";
import { sendJson } from "./listen.ts";

// Apart from Apollo, so the operations port (and a gateway primary) can serve without loading it.
export { listen, sendJson, type RunningServer } from "./listen.ts";
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
  /**
   * Largest request body accepted, bytes: one number, or one per request (the gateway allows less
   * without credentials). A declared `content-length` over it is refused before a byte is read.
   * Default 1 MiB.
   */
  maxBodyBytes?: number | ((req: IncomingMessage) => number);
  /**
   * Bodies over `bytes` (or of unknown length) are read and handled at most `concurrent` at a
   * time; the others wait unread, so TCP holds their senders back. A flood of large documents
   * then cannot queue seconds of parsing ahead of `/healthz` and of small requests, which never
   * wait for a slot. Default 64 KiB, 2.
   */
  largeBodies?: { bytes: number; concurrent: number };
  /**
   * Runs after the body is read and before Apollo sees the request: it may authenticate, replace
   * the body (e.g. resolve a persisted operation) or refuse the request outright.
   */
  prepare?: (req: IncomingMessage, body: unknown, requestId: string) => Promise<Prepared>;
  /**
   * Told of every request to the endpoint refused before a context was built — wrong method, body
   * too large, invalid JSON, and what Apollo refuses itself (batched arrays, CSRF prevention) — so
   * the gateway can record it. Not awaited. Default: none.
   */
  onRefused?: (req: IncomingMessage, refusal: HttpRefusal, requestId: string) => void;
  /** The service's name in spans (`citygraph.service`). Default: none. */
  service?: string;
  log: Logger;
}

/** A request refused at the HTTP layer, as {@link GraphQLHttpServerOptions.onRefused} is told. */
export interface HttpRefusal {
  status: number;
  /** The error code the client got (`BAD_REQUEST` for all of these today). */
  code: string;
  /** What was wrong: "method-not-allowed", "body-too-large", "invalid-json", "batched", "csrf" or "refused". */
  reason: string;
  /** The `query` the request carried, when one could be read (to hash it, never to store it). */
  query?: string;
}

/** What {@link GraphQLHttpServerOptions.prepare} decided. */
export type Prepared =
  /** Hand the request to Apollo, with this body (and query string, when given). */
  | { kind: "continue"; body: unknown; search?: string }
  | {
      kind: "refuse";
      status: number;
      code: string;
      message: string;
      headers?: Record<string, string>;
      /** More `extensions` beside `code` (e.g. which limit was exceeded). */
      extensions?: Record<string, unknown>;
    }
  /** The document fails validation: answered like Apollo answers one (400, or 200 to a JSON-only client). */
  | { kind: "invalid"; errors: readonly GraphQLFormattedError[] };

/**
 * Serves an Apollo Server over Node's HTTP with no framework: the GraphQL endpoint (GET and POST,
 * GraphQL-over-HTTP status codes from Apollo), exact-path routes, and a request id made here for
 * every request (sent back in `x-request-id`).
 */
export function createGraphQLHttpServer<TContext extends BaseContext>(
  options: GraphQLHttpServerOptions<TContext>,
): Server {
  const path = options.path ?? "/graphql";
  const maxBodyOf = (req: IncomingMessage): number =>
    typeof options.maxBodyBytes === "function" ? options.maxBodyBytes(req) : (options.maxBodyBytes ?? 1024 * 1024);
  const large = options.largeBodies ?? { bytes: 64 * 1024, concurrent: 2 };
  const largeSlots = createSemaphore(large.concurrent);
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    // The request id is always this server's own, so it is unique (the access ledger keys entries
    // by it); a client's `x-request-id` is only kept beside it, see clientRequestIdOf.
    const requestId = randomUUID();
    res.setHeader("x-request-id", requestId);
    if (url.pathname !== path) {
      const route = options.routes?.[url.pathname];
      if (route && (req.method === "GET" || req.method === "HEAD")) return route(req, res);
      return sendJson(res, 404, { error: "not found" });
    }
    if (req.method === "GET" && options.landingPage && prefersHtml(req)) return options.landingPage(req, res);
    const refused = (refusal: HttpRefusal) => options.onRefused?.(req, refusal, requestId);
    if (req.method !== "GET" && req.method !== "POST") {
      refused({ status: 405, code: "BAD_REQUEST", reason: "method-not-allowed" });
      res.setHeader("allow", "GET, POST");
      return sendJson(res, 405, { errors: [{ message: "Use GET or POST", extensions: { code: "BAD_REQUEST" } }] });
    }
    const maxBody = maxBodyOf(req);
    const declared = Number(req.headers["content-length"] ?? Number.NaN);
    if (req.method === "POST" && declared > maxBody) {
      refused({ status: 413, code: "BAD_REQUEST", reason: "body-too-large" });
      // The body stays unread: the connection cannot carry another request after it.
      res.setHeader("connection", "close");
      return sendJson(res, 413, {
        errors: [{ message: `Request body exceeds ${maxBody} bytes`, extensions: { code: "BAD_REQUEST" } }],
      });
    }
    // Only a request that may send more than `large.bytes` takes a slot: one whose own limit is
    // below it (anonymous callers at the gateway) can hold none, however slowly it sends.
    if (req.method === "POST" && maxBody > large.bytes && !(declared <= large.bytes)) {
      const release = await largeSlots.acquire();
      try {
        return await respond(req, res, url, requestId, refused, maxBody);
      } finally {
        release();
      }
    }
    return respond(req, res, url, requestId, refused, maxBody);
  };
  const respond = async (
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    requestId: string,
    refused: (refusal: HttpRefusal) => void,
    maxBody: number,
  ): Promise<void> => {
    const body = req.method === "POST" ? await readBody(req, maxBody) : undefined;
    if (body === TOO_LARGE) {
      refused({ status: 413, code: "BAD_REQUEST", reason: "body-too-large" });
      return sendJson(res, 413, {
        errors: [{ message: `Request body exceeds ${maxBody} bytes`, extensions: { code: "BAD_REQUEST" } }],
      });
    }
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(", ") : value);
    }
    let parsed: unknown = body;
    let search = url.search;
    if (typeof body === "string" && (headers.get("content-type") ?? "").includes("json")) {
      try {
        parsed = body.length ? JSON.parse(body) : undefined;
      } catch {
        refused({ status: 400, code: "BAD_REQUEST", reason: "invalid-json" });
        return sendJson(res, 400, { errors: [{ message: "Body is not valid JSON", extensions: { code: "BAD_REQUEST" } }] });
      }
    }
    // Apollo refuses batches too (batching is off), but only after building a context and without
    // telling any plugin; refusing here lets the refusal be recorded like the others.
    if (Array.isArray(parsed)) {
      refused({ status: 400, code: "BAD_REQUEST", reason: "batched" });
      return sendJson(res, 400, { errors: [{ message: "Operation batching is not supported", extensions: { code: "BAD_REQUEST" } }] });
    }
    if (options.prepare) {
      const prepared = await options.prepare(req, parsed, requestId);
      if (prepared.kind === "invalid") {
        // As Apollo answers the same errors for signed-in callers: GraphQL over HTTP's media type
        // to a client that accepts it, plain JSON (and 200) to one that accepts only that.
        const onlyJson = acceptsOnlyJson(req);
        const graphqlResponse = !onlyJson && (headerValue(req, "accept") ?? "").toLowerCase().includes("application/graphql-response+json");
        res.statusCode = onlyJson ? 200 : 400;
        res.setHeader("content-type", `${graphqlResponse ? "application/graphql-response+json" : "application/json"}; charset=utf-8`);
        res.end(JSON.stringify({ errors: prepared.errors }));
        return;
      }
      if (prepared.kind === "refuse") {
        for (const [key, value] of Object.entries(prepared.headers ?? {})) res.setHeader(key, value);
        return sendJson(res, prepared.status, { errors: [{ message: prepared.message, extensions: { ...prepared.extensions, code: prepared.code } }] });
      }
      parsed = prepared.body;
      if (prepared.search !== undefined) search = prepared.search;
    }
    let contextBuilt = false;
    const result = await options.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method!, headers, search, body: parsed },
      context: () => {
        contextBuilt = true;
        return options.context(req, requestId);
      },
    });
    // Apollo refuses some requests before it builds a context (and so before any plugin sees them).
    if (!contextBuilt && (result.status ?? 200) >= 400) refused(apolloRefusal(result.status!, result.body, parsed, url));
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === "complete") {
      if (res.statusCode === 400 && acceptsOnlyJson(req) && onlyRequestErrors(result.body.string)) res.statusCode = 200;
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
  const server = createServer((req, res) => {
    run(req, res).catch((error: unknown) => {
      // A client that went away mid-upload is not a server failure: nobody is left to answer.
      if (req.destroyed) return void res.destroy();
      options.log.error("http handler failed", { error: error instanceof Error ? error.message : String(error) });
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: "Internal server error" }] });
      else res.destroy();
    });
  });
  // A request must arrive whole within 30 s (Node's default is 300): a slow upload may not hold
  // a large-body slot for minutes.
  server.requestTimeout = 30_000;
  return server;
}

/** The first value of a request header, if present. */
export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The client's own `x-request-id`, to correlate its logs with ours: kept only when it is a plain
 * token of 8-128 characters (anything else would carry odd text into logs and the ledger), and
 * never used as the request's id, since two clients (or one, twice) may send the same.
 */
export function clientRequestIdOf(req: IncomingMessage): string | undefined {
  const offered = headerValue(req, "x-request-id");
  return offered && REQUEST_ID.test(offered) ? offered : undefined;
}

/**
 * What Apollo refused before building a context. Apollo says why only in its message, so CSRF
 * prevention is told by its wording; anything else is "refused".
 */
function apolloRefusal(status: number, body: { kind: string; string?: string }, parsed: unknown, url: URL): HttpRefusal {
  let code = "BAD_REQUEST";
  let message = "";
  if (body.kind === "complete" && body.string) {
    try {
      const error = (JSON.parse(body.string) as { errors?: { message?: string; extensions?: { code?: string } }[] }).errors?.[0];
      code = typeof error?.extensions?.code === "string" ? error.extensions.code : code;
      message = error?.message ?? "";
    } catch {
      // Not JSON: keep the defaults.
    }
  }
  const reason = /CSRF/.test(message) ? "csrf" : "refused";
  const query = typeof (parsed as { query?: unknown })?.query === "string" ? (parsed as { query: string }).query : url.searchParams.get("query");
  return { status, code, reason, query: query ?? undefined };
}

/**
 * The client named `application/json` and not `application/graphql-response+json`: GraphQL over
 * HTTP then asks for 200 even on request errors (legacy clients may not read a 4xx body). A client
 * that sends no preference or a wildcard keeps Apollo's 4xx.
 */
function acceptsOnlyJson(req: IncomingMessage): boolean {
  const accept = (headerValue(req, "accept") ?? "").toLowerCase();
  return /(^|[,\s])application\/json\b/.test(accept) && !accept.includes("application/graphql-response+json");
}

/** A response without `data` whose errors are all request errors (parse, validation, coercion …). */
function onlyRequestErrors(body: string): boolean {
  try {
    const parsed = JSON.parse(body) as { data?: unknown; errors?: { extensions?: { code?: unknown } }[] };
    return parsed.data === undefined && Boolean(parsed.errors?.length) && parsed.errors!.every((e) => isRequestError(e.extensions?.code));
  } catch {
    return false;
  }
}

function prefersHtml(req: IncomingMessage): boolean {
  const accept = headerValue(req, "accept") ?? "";
  return accept.includes("text/html") && !new URL(req.url ?? "/", "http://localhost").searchParams.has("query");
}

const TOO_LARGE = Symbol("too large");
const REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

/**
 * A counting semaphore: `acquire` resolves with a release function once one of `size` slots is
 * free, in arrival order. (Eight lines did not warrant a dependency.)
 */
function createSemaphore(size: number): { acquire(): Promise<() => void> } {
  let free = size;
  const waiting: (() => void)[] = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else free++;
  };
  return {
    acquire: () =>
      new Promise((resolve) => {
        if (free > 0) {
          free--;
          resolve(release);
        } else waiting.push(() => resolve(release));
      }),
  };
}

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
