import { levelRank, type FieldPolicy, type PersonalKind } from "./classification.ts";
import { scopeFor, type GrantSet } from "./scopes.ts";
import { maskerFor } from "./mask.ts";
import { chooseMask, revealingKinds, INFERENCE_RULES } from "./inference.ts";

/** How a principal may read a field. */
export type Access = "full" | "masked" | "denied";

/** A decision, with what would grant the field when it is denied (for `extensions.denied`). */
export interface Decision {
  access: Access;
  /** The scope (or requirement) that would grant the field; only on denials. */
  needs?: string;
  /**
   * The mask variant to apply, when the kind's inference rule picked a stronger one than its
   * default (see `INFERENCE_RULES`); only on masked decisions.
   */
  mask?: string;
}

/** Who is deciding about: anonymous callers have no grants and are not authenticated. */
export interface Grantee {
  authenticated: boolean;
  grants: GrantSet;
}

/**
 * Every field policy the deciding layer knows, by kind: what the inference rules look at to learn
 * whether a principal may also read a revealing kind. Build it once with {@link policyIndexOf}.
 */
export interface PolicyIndex {
  byKind: ReadonlyMap<PersonalKind, readonly FieldPolicy[]>;
}

/** Indexes field policies by kind, for {@link decide}. */
export function policyIndexOf(policies: Iterable<FieldPolicy>): PolicyIndex {
  const byKind = new Map<PersonalKind, FieldPolicy[]>();
  for (const policy of policies) if (policy.kind) (byKind.get(policy.kind) ?? byKind.set(policy.kind, []).get(policy.kind)!).push(policy);
  return { byKind };
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
 *
 * A masked decision of a kind with an inference rule (ID_NUMBER) then looks at the principal's
 * grants — everything it may read in any request, not what this one selects — for the kinds that
 * reveal parts of it (BIRTH_DATE, GENDER …) and picks the weakest mask that still leaves at least
 * `MIN_CANDIDATES` values, or denies. Without `index` the layer cannot know what else is readable,
 * so it assumes every revealing kind is readable in full (fail closed).
 */
export function decide(grantee: Grantee, field: FieldPolicy, index?: PolicyIndex): Decision {
  const decision = decideAlone(grantee, field);
  if (decision.access !== "masked" || !field.kind || !INFERENCE_RULES[field.kind]) return decision;
  const access = (kind: PersonalKind): Access => (index ? readableKind(grantee, kind, index) : "full");
  const mask = chooseMask(field.kind, access);
  if (mask === null) {
    const revealing = revealingKinds(field.kind).filter((kind) => access(kind) !== "denied");
    return {
      access: "denied",
      needs: `${scopeFor(field.owner, field.level)} (masked, it would be undone by the ${revealing.join(", ")} also readable)`,
    };
  }
  return mask === undefined ? decision : { access: "masked", mask };
}

/** The best access a grantee has to any field of `kind`. */
export function readableKind(grantee: Grantee, kind: PersonalKind, index: PolicyIndex): Access {
  let best: Access = "denied";
  for (const policy of index.byKind.get(kind) ?? []) {
    const { access } = decideAlone(grantee, policy);
    if (access === "full") return "full";
    if (access === "masked") best = "masked";
  }
  return best;
}

/** The decision about one field on its own, before inference rules. */
function decideAlone(grantee: Grantee, field: FieldPolicy): Decision {
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

/** A masked grant that the same principal's other grants make useless (see {@link maskedGrantsUndone}). */
export interface UndoneMask {
  /** The field the grant would show masked. */
  coordinate: string;
  /** The readable fields of revealing kinds that undo the mask. */
  revealedBy: string[];
}

/**
 * The fields a grant set would read masked on their own but that the inference rules deny, because
 * the same grants read revealing kinds too: a role or agreement that ships such a pair grants
 * something it can never deliver. Used to validate `policy/roles.json` at start-up and agreements
 * at creation.
 */
export function maskedGrantsUndone(grantee: Grantee, index: PolicyIndex): UndoneMask[] {
  const undone: UndoneMask[] = [];
  for (const [kind, policies] of index.byKind) {
    if (!INFERENCE_RULES[kind]) continue;
    for (const policy of policies) {
      if (decideAlone(grantee, policy).access !== "masked" || decide(grantee, policy, index).access !== "denied") continue;
      const revealedBy = revealingKinds(kind).flatMap((k) =>
        (index.byKind.get(k) ?? []).filter((p) => decideAlone(grantee, p).access !== "denied").map((p) => p.coordinate),
      );
      undone.push({ coordinate: policy.coordinate, revealedBy });
    }
  }
  return undone;
}

/** One line per undone mask, naming the pair: for start-up and validation messages. */
export function describeUndoneMasks(undone: readonly UndoneMask[]): string[] {
  return undone.map(
    (u) => `${u.coordinate} would be masked, but ${u.revealedBy.join(", ")} (also granted) reveal what the mask hides, so it is denied`,
  );
}

/**
 * Why the policies break an assumption the subgraph layer relies on: every field of a kind that
 * reveals a masked kind must be owned by the subgraph that masks it, or that subgraph could not
 * know what else its caller reads (and would mask more weakly than the gateway decides).
 * Composition fails on any problem.
 */
export function inferenceProblems(policies: Iterable<FieldPolicy>): string[] {
  const index = policyIndexOf(policies);
  const problems: string[] = [];
  for (const [kind, masked] of index.byKind) {
    if (!INFERENCE_RULES[kind]) continue;
    for (const field of masked) {
      for (const revealing of revealingKinds(kind)) {
        for (const other of index.byKind.get(revealing) ?? []) {
          if (other.owner !== field.owner) {
            problems.push(
              `${other.coordinate} (${revealing}, owned by ${other.owner}) reveals parts of ${field.coordinate} (${kind}, owned by ${field.owner}): keep both in ${field.owner}, or classify ${other.coordinate} with another kind`,
            );
          }
        }
      }
    }
  }
  return problems;
}
