import { GraphQLError } from "graphql";
import { ErrorCode, badUserInput, type RequestContext } from "@citygraph/core";

/** The scope every agreement-administration field requires (`@Restricted(GOVERNANCE_ADMIN)`). */
export const GOVERNANCE_ADMIN = "governance:admin";


/**
 * The subject of the administrator making a change: a person signed in with the identity provider.
 * Agreement principals (third parties) never administer agreements, whatever their scopes.
 */
export function adminSubject(context: RequestContext): string {
  const { principal } = context;
  if (principal.kind !== "user" || !principal.grants.scopes.has(GOVERNANCE_ADMIN)) {
    throw new GraphQLError("Agreements are administered only by a signed-in person holding governance:admin.", {
      extensions: { code: ErrorCode.FORBIDDEN },
    });
  }
  return principal.subject;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Throws BAD_USER_INPUT naming `argumentName` unless `value` is a UUID (agreement and organization ids). */
export function assertUuid(argumentName: string, value: string): string {
  if (!UUID.test(value)) throw badUserInput(argumentName, "is not an id of this kind (a UUID)");
  return value.toLowerCase();
}

/** A client error: the agreement's current status does not allow `action`. */
export function agreementStateConflict(status: string, message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.AGREEMENT_STATE_CONFLICT, status } });
}

/** A client error: the four-eyes rule (one administrator may not both propose and confirm). */
export function fourEyes(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.FORBIDDEN, rule: "four-eyes" } });
}
