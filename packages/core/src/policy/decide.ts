import { levelRank, type FieldPolicy } from "./classification.ts";
import { scopeFor, type GrantSet } from "./scopes.ts";
import { maskerFor } from "./mask.ts";

/** How a principal may read a field. */
export type Access = "full" | "masked" | "denied";

/** A decision, with what would grant the field when it is denied (for `extensions.denied`). */
export interface Decision {
  access: Access;
  /** The scope (or requirement) that would grant the field; only on denials. */
  needs?: string;
}

/** Who is deciding about: anonymous callers have no grants and are not authenticated. */
export interface Grantee {
  authenticated: boolean;
  grants: GrantSet;
}

const FULL: Decision = { access: "full" };
const MASKED: Decision = { access: "masked" };

/**
 * The one decision function: the gateway (before planning) and every subgraph (per field) call it
 * with the same policy data, so both layers agree by construction.
 *
 * Order: an agreement's field list first (it narrows its scopes; PUBLIC stays open), then the
 * Federation directives (`@authenticated`, `@requiresScopes`, `@policy`), then the
 * classification: PUBLIC is open; otherwise a full grant of the owner at that level wins, then a
 * masked grant if the field's kind has a masking rule; anything else is denied.
 */
export function decide(grantee: Grantee, field: FieldPolicy): Decision {
  const allowed = grantee.grants.allowedFields;
  if (allowed && !allowed.has(field.coordinate) && field.level !== "PUBLIC") {
    return { access: "denied", needs: "an agreement clause that lists this field" };
  }
  if (field.authenticated && !grantee.authenticated) return { access: "denied", needs: "authentication" };
  if (field.requiresScopes?.length) {
    const ok = field.requiresScopes.some((all) => all.every((s) => grantee.grants.scopes.has(s)));
    if (!ok) return { access: "denied", needs: field.requiresScopes.map((all) => all.join(" and ")).join(" or ") };
  }
  if (field.policies?.length) {
    const ok = field.policies.some((all) => all.every((p) => grantee.grants.policies.has(p)));
    if (!ok) return { access: "denied", needs: `policy ${field.policies.map((all) => all.join(" and ")).join(" or ")}` };
  }
  if (field.level === "PUBLIC") return FULL;
  const rank = levelRank(field.level);
  if ((grantee.grants.full.get(field.owner) ?? 0) >= rank) return FULL;
  if ((grantee.grants.masked.get(field.owner) ?? 0) >= rank && maskerFor(field.kind)) return MASKED;
  return { access: "denied", needs: scopeFor(field.owner, field.level) };
}
