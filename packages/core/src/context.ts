import type { Logger } from "./log.ts";
import { grantSetOf, type GrantSet } from "./policy/scopes.ts";
import type { Grantee } from "./policy/decide.ts";

/**
 * Who is asking. Every resolver reaches data only through a context that carries one, so the
 * permission layer decides per principal without rewriting resolvers. `grants` is computed once,
 * when the principal is authenticated.
 */
export type Principal =
  | { kind: "anonymous"; grants: GrantSet }
  | {
      kind: "user";
      /** The identity provider's subject. */
      subject: string;
      org?: string;
      /** Effective scopes (roles expanded). */
      scopes: readonly string[];
      /** Row scope: district codes this principal may see rows of; undefined means all. */
      districts?: readonly string[];
      grants: GrantSet;
    }
  | {
      /** A third party calling under a data-operation agreement, with one of its API keys. */
      kind: "agreement";
      /** The API key's public id. */
      subject: string;
      /** The organization holding the agreement. */
      org: string;
      agreementId: string;
      /** The purpose the request declared (one of the agreement's). */
      purpose: string;
      scopes: readonly string[];
      districts?: readonly string[];
      /** Field coordinates the agreement narrows its scopes to (also in `grants`); undefined: none. */
      allowedFields?: readonly string[];
      grants: GrantSet;
    };

/** The principal of a request without credentials. */
export const ANONYMOUS: Principal = Object.freeze({ kind: "anonymous", grants: grantSetOf([]) }) as Principal;

/** What the decision function needs of a principal. */
export function granteeOf(principal: Principal): Grantee {
  return { authenticated: principal.kind !== "anonymous", grants: principal.grants };
}

/** The districts a principal's rows are limited to, or undefined for no limit. */
export function rowScopeOf(principal: Principal): readonly string[] | undefined {
  return principal.kind === "anonymous" ? undefined : principal.districts;
}

/** What every subgraph's per-request context holds besides its own loaders. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  log: Logger;
  /**
   * Pseudonymous ids of the persons whose PERSONAL or SENSITIVE data this request returned (full or
   * masked), recorded by the permission layer; created on first use (see `subgraph/subjects.ts`).
   */
  subjects?: Set<string>;
}
