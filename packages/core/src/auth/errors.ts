import { GraphQLError } from "graphql";
import { ErrorCode } from "../errors.ts";

/** A 401: credentials were presented and rejected, or were required and missing. */
export function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401, headers: new Map([["www-authenticate", "Bearer"]]) } },
  });
}
