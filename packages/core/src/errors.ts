import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

/** What the registry says about one error code. */
export interface ErrorSpec {
  /**
   * The HTTP status of a response whose (first) error has this code. 200 for errors that come with
   * partial data; for request errors (parse, validation, coercion) the status a client that accepts
   * `application/graphql-response+json` gets (one that accepts only `application/json` gets 200,
   * as GraphQL over HTTP asks).
   */
  status: number;
  /** Other statuses the code is sent with, and when (e.g. 405 for a wrong method). */
  otherStatuses?: readonly number[];
  /** Response headers that come with the code, by name (e.g. `retry-after`). */
  headers?: readonly string[];
  /**
   * A GraphQL request error (the request never executed: parse, validation, coercion, operation
   * resolution). Sent with 200 to clients that accept only `application/json`, as GraphQL over HTTP
   * asks, since such clients may not read a 4xx body.
   */
  requestError?: true;
  /** What it means, for the README's Errors table and for JSDoc readers. */
  description: string;
}

/**
 * Every code a client can see in `errors[].extensions.code`, with its HTTP status. This is the one
 * registry: a code that is not here is masked as INTERNAL_SERVER_ERROR before it leaves a server,
 * and throw sites take the status from here. README § Errors lists the same table (a test keeps
 * code and status equal). One entry per code; add new codes at the end of their group.
 */
export const ERROR_REGISTRY = {
  BAD_USER_INPUT: {
    status: 200,
    otherStatuses: [400],
    requestError: true,
    description: "An argument is invalid; `extensions.argumentName` names it. 400 when a variable's value cannot be coerced (e.g. a malformed `Date`).",
  },
  GRAPHQL_PARSE_FAILED: { status: 400, otherStatuses: [200], requestError: true, description: "The document does not parse (including nesting too deep to parse)." },
  GRAPHQL_VALIDATION_FAILED: { status: 400, otherStatuses: [200], requestError: true, description: "The document does not validate against the schema." },
  OPERATION_RESOLUTION_FAILURE: {
    status: 400,
    otherStatuses: [200],
    requestError: true,
    description: "The request names an operation the document does not contain, or sends several operations without `operationName`.",
  },
  OPERATION_NOT_SUPPORTED: { status: 400, otherStatuses: [200], requestError: true, description: "A subscription: the gateway serves queries and mutations only." },
  PERSISTED_QUERY_NOT_FOUND: {
    status: 200,
    description: "An automatic persisted query's hash is not known yet: send it again with the query (Apollo Client's persisted-query link does).",
  },
  BAD_REQUEST: { status: 400, otherStatuses: [405, 406, 413], description: "The HTTP request is not a GraphQL request (method, content type, accept, body, size)." },
  UNAUTHENTICATED: { status: 401, headers: ["www-authenticate"], description: "Credentials were missing, malformed, expired or not signed by a trusted key." },
  FORBIDDEN: {
    status: 403,
    otherStatuses: [200],
    description: "The caller lacks a grant; `extensions.denied` lists coordinates and the scope each needs. 200 with partial results.",
  },
  SUBGRAPH_UNAVAILABLE: {
    status: 200,
    otherStatuses: [503],
    description:
      "A subgraph could not be reached, refused the request or answered with a failure; `extensions.subgraph` names it, the error's `path` where its data is missing. 503 from a subgraph whose token replay cache cannot answer.",
  },
  SUBGRAPH_TIMEOUT: { status: 200, description: "A subgraph did not answer in time; `extensions.subgraph` and `path` as for SUBGRAPH_UNAVAILABLE." },
  INTERNAL_SERVER_ERROR: {
    status: 500,
    otherStatuses: [200],
    description: "Anything else. The message is generic; the log line with the same request id has details.",
  },
  API_KEY_MISSING: { status: 401, description: "A third party sent X-Purpose but no API key." },
  API_KEY_INVALID: { status: 401, description: "The API key is unknown, malformed, revoked, or its secret does not match." },
  AGREEMENT_INACTIVE: { status: 403, description: "The key's agreement is a draft, suspended or revoked." },
  AGREEMENT_EXPIRED: { status: 403, description: "The key's agreement is outside its validity dates." },
  PURPOSE_REQUIRED: { status: 400, description: "A third-party request without an X-Purpose header." },
  PURPOSE_NOT_PERMITTED: { status: 403, description: "The declared purpose is not one of the agreement's." },
  OPERATION_NOT_PERSISTED: { status: 403, description: "Third parties may run only their agreement's persisted operations (by SHA-256 hash)." },
  QUOTA_EXCEEDED: { status: 429, headers: ["retry-after"], description: "The agreement's requests-per-minute or records-per-day quota is used up." },
  QUOTA_STORE_UNAVAILABLE: {
    status: 503,
    headers: ["retry-after"],
    description: "The quota counters (Redis or PostgreSQL) cannot be reached, so third-party requests cannot be counted and are not served.",
  },
  LEDGER_VERIFICATION_UNAVAILABLE: {
    status: 503,
    description: "This deployment cannot verify the ledger on request (the governance subgraph holds no gateway public key); `citygraph audit verify` still can.",
  },
  LEDGER_UNAVAILABLE: { status: 503, description: "The access ledger cannot be written: personal data is not sent unrecorded." },
  LEDGER_COMPROMISED: {
    status: 503,
    description:
      "The ledger's chain no longer extends what the gateway committed (entries deleted or rewritten in the database): personal data is withheld until an operator runs `citygraph audit acknowledge`.",
  },
  OPERATION_TOO_MANY_TOKENS: {
    status: 400,
    description:
      "The document has more lexical tokens than the caller's budget. Like every OPERATION_TOO_* code: `extensions.limit` (the budget's value), `extensions.actual` (what was seen; token counting stops just past the limit), `extensions.budget` (`anonymous`, `user` or `agreement`); nothing was planned or executed.",
  },
  OPERATION_TOO_DEEP: { status: 400, description: "Fields nest deeper than the caller's budget (fragments counted once each, introspection exempt)." },
  OPERATION_TOO_MANY_ALIASES: { status: 400, description: "More aliased fields, fragments expanded, than the caller's budget." },
  OPERATION_TOO_MANY_DIRECTIVES: { status: 400, description: "More directives, fragments expanded, than the caller's budget." },
  OPERATION_TOO_MANY_FIELDS: { status: 400, description: "More field selections after fragment expansion than the caller's budget." },
  OPERATION_TOO_COSTLY: {
    status: 400,
    description: "The estimated cost (each field once per item of every list above it: `first`, else the default page size) exceeds the caller's budget.",
  },
  AGREEMENT_STATE_CONFLICT: {
    status: 200,
    description: "An agreement's status does not allow the change asked for (approving an ACTIVE agreement, resuming a REVOKED one); `extensions.status` is its current status.",
  },
} as const satisfies Record<string, ErrorSpec>;

/** A code from {@link ERROR_REGISTRY}. */
export type ErrorCode = keyof typeof ERROR_REGISTRY;

/** Every code by name (`ErrorCode.FORBIDDEN === "FORBIDDEN"`), for throw sites. */
export const ErrorCode = Object.fromEntries(Object.keys(ERROR_REGISTRY).map((code) => [code, code])) as {
  readonly [K in ErrorCode]: K;
};

const CLIENT_CODES = new Set<string>(Object.keys(ERROR_REGISTRY));

/** Whether `code` is a registered GraphQL request error (see {@link ErrorSpec.requestError}). */
export function isRequestError(code: unknown): boolean {
  return typeof code === "string" && CLIENT_CODES.has(code) && (ERROR_REGISTRY[code as ErrorCode] as ErrorSpec).requestError === true;
}

/** The registry's HTTP status of `code`. */
export function httpStatusOf(code: ErrorCode): number {
  return ERROR_REGISTRY[code].status;
}

/**
 * A client-facing GraphQL error with the registry's status for `code` (Apollo Server sends
 * `extensions.http` as the response's status and headers when the error ends the request).
 * @param status one of the code's statuses, when not its first.
 */
export function clientError(
  code: ErrorCode,
  message: string,
  options: { extensions?: Record<string, unknown>; headers?: Record<string, string>; status?: number; path?: readonly (string | number)[] } = {},
): GraphQLError {
  const spec: ErrorSpec = ERROR_REGISTRY[code];
  const status = options.status ?? spec.status;
  if (status !== spec.status && !spec.otherStatuses?.includes(status)) {
    throw new Error(`${code} is not sent with HTTP ${status}: add it to the registry first`);
  }
  return new GraphQLError(message, {
    path: options.path,
    extensions: {
      ...options.extensions,
      code,
      http: { status, headers: new Map(Object.entries(options.headers ?? {})) },
    },
  });
}

/** A client-facing error for an invalid argument. The message must not echo personal values. */
export function badUserInput(argumentName: string, message: string): GraphQLError {
  return new GraphQLError(`Invalid argument "${argumentName}": ${message}`, {
    extensions: { code: ErrorCode.BAD_USER_INPUT, argumentName },
  });
}

/** A start-up error: thrown before anything listens, with a message that says what to do. */
export class StartupError extends Error {
  override name = "StartupError";
}

/** Throws at compile time when a `switch` over a discriminated union misses a case. */
export function unreachable(value: never, what = "case"): never {
  throw new Error(`Unhandled ${what}: ${JSON.stringify(value)}`);
}

/** What the masking formatter needs: where to send details of masked errors. */
export interface MaskErrorsOptions {
  /** Receives the original error of every masked error (never sent to a client). */
  log: (message: string, details: Record<string, unknown>) => void;
}

/**
 * Builds Apollo Server's `formatError`: client-facing errors pass with their code, message, path
 * and safe extensions; everything else becomes a generic INTERNAL_SERVER_ERROR, and its details
 * (stack, SQL, driver messages) go to the log only.
 */
export function createErrorFormatter(options: MaskErrorsOptions) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const original = unwrapResolverError(error);
    const code = formatted.extensions?.code;
    const isClientError =
      typeof code === "string" &&
      CLIENT_CODES.has(code) &&
      code !== ErrorCode.INTERNAL_SERVER_ERROR &&
      (original instanceof GraphQLError || !(original instanceof Error));
    if (isClientError) {
      const { stacktrace: _stack, exception: _exception, ...extensions } = formatted.extensions ?? {};
      // graphql-js parses recursively: a document nested thousands of levels deep overflows the
      // stack, and Apollo reports the engine's own words as the parse error.
      const message =
        code === ErrorCode.GRAPHQL_PARSE_FAILED && /Maximum call stack/i.test(formatted.message)
          ? "The document nests too deeply to parse; send fewer levels of selections, lists or objects."
          : formatted.message;
      return { message, locations: formatted.locations, path: formatted.path, extensions };
    }
    // Apollo Server refuses some malformed requests (a persisted query whose hash does not match
    // its text, an unknown persisted-query version) with a 400 but no code: the client's mistake,
    // in Apollo's own fixed words.
    if (original instanceof GraphQLError && original.extensions.code === undefined && isClientStatus(original.extensions.http)) {
      return { message: original.message, extensions: { code: ErrorCode.BAD_REQUEST } };
    }
    options.log("masked error", {
      code,
      message: original instanceof Error ? original.message : String(original),
      stack: original instanceof Error ? original.stack : undefined,
      path: formatted.path,
    });
    return {
      message: "Internal server error",
      path: formatted.path,
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

/** Whether an error's `extensions.http` (Apollo's HTTP head) carries a 4xx status. */
function isClientStatus(http: unknown): boolean {
  if (typeof http !== "object" || http === null || !("status" in http)) return false;
  const { status } = http;
  return typeof status === "number" && status >= 400 && status < 500;
}
