import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { unwrapResolverError } from "@apollo/server/errors";

/**
 * Every code a client can see in `errors[].extensions.code`. This is the one registry: a code that
 * is not here is masked as INTERNAL_SERVER_ERROR before it leaves a server. README § Errors lists
 * the same table for users.
 */
export const ErrorCode = {
  /** An argument is invalid; `extensions.argumentName` names it. */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** The document does not parse. */
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  /** The document does not validate against the schema. */
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  /** The request names an operation the document does not contain. */
  OPERATION_RESOLUTION_FAILURE: "OPERATION_RESOLUTION_FAILURE",
  /** The HTTP request is not a GraphQL request (method, content type, body). */
  BAD_REQUEST: "BAD_REQUEST",
  /** Credentials were missing, malformed, expired or not signed by a trusted key. */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** The caller is known but lacks a grant for what it asked. */
  FORBIDDEN: "FORBIDDEN",
  /** A subgraph could not be reached or failed; details are in the gateway's log only. */
  SUBGRAPH_UNAVAILABLE: "SUBGRAPH_UNAVAILABLE",
  /** Anything else. The message is generic; the log line with the same requestId has details. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  /** A third party sent X-Purpose but no API key. HTTP 401. */
  API_KEY_MISSING: "API_KEY_MISSING",
  /** The API key is unknown, malformed, revoked, or its secret does not match. HTTP 401. */
  API_KEY_INVALID: "API_KEY_INVALID",
  /** The key's agreement is a draft, suspended or revoked. HTTP 403. */
  AGREEMENT_INACTIVE: "AGREEMENT_INACTIVE",
  /** The key's agreement is outside its validity dates. HTTP 403. */
  AGREEMENT_EXPIRED: "AGREEMENT_EXPIRED",
  /** A third-party request without an X-Purpose header. HTTP 400. */
  PURPOSE_REQUIRED: "PURPOSE_REQUIRED",
  /** The declared purpose is not one of the agreement's. HTTP 403. */
  PURPOSE_NOT_PERMITTED: "PURPOSE_NOT_PERMITTED",
  /** Third parties may run only their agreement's persisted operations (by sha256 hash). HTTP 403. */
  OPERATION_NOT_PERSISTED: "OPERATION_NOT_PERSISTED",
  /** The agreement's requests-per-minute or records-per-day quota is used up. HTTP 429 with Retry-After. */
  QUOTA_EXCEEDED: "QUOTA_EXCEEDED",
  /** The access ledger cannot be written: personal data is not sent unrecorded. HTTP 503. */
  LEDGER_UNAVAILABLE: "LEDGER_UNAVAILABLE",
  /**
   * A data-operation agreement's status does not allow the change asked for (approving an ACTIVE
   * agreement, resuming a REVOKED one, issuing a key for an EXPIRED one); `extensions.status` is its
   * current status.
   */
  AGREEMENT_STATE_CONFLICT: "AGREEMENT_STATE_CONFLICT",
} as const;

/** A code from {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

const CLIENT_CODES = new Set<string>(Object.values(ErrorCode));

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
      return { message: formatted.message, locations: formatted.locations, path: formatted.path, extensions };
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
