import type { GraphQLError } from "graphql";
import { ErrorCode, clientError } from "../errors.ts";

/** A 401: credentials were presented and rejected, or were required and missing. */
export function unauthenticated(message: string): GraphQLError {
  return clientError(ErrorCode.UNAUTHENTICATED, message, { headers: { "www-authenticate": "Bearer" } });
}
