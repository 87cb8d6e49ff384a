import { levelRank, isLevel, type Level } from "./classification.ts";

/**
 * A principal's grants, normalised once when it is authenticated: for each owner the highest level
 * readable in full and the highest readable masked, plus the special scopes and satisfied policies.
 */
export interface GrantSet {
  /** owner → highest level rank granted in full (absent: none above PUBLIC). */
  full: ReadonlyMap<string, number>;
  /** owner → highest level rank granted masked. */
  masked: ReadonlyMap<string, number>;
  /** Every scope string held, for `@requiresScopes`. */
  scopes: ReadonlySet<string>;
  /** Named policies the principal satisfies, for `@policy`. */
  policies: ReadonlySet<string>;
  /** An agreement's explicit field list: other non-PUBLIC coordinates are denied whatever the scopes. */
  allowedFields?: ReadonlySet<string>;
  /** A stable string that identifies this grant set: the key of decision caches. */
  key: string;
}

/** Special scopes that grant no field data by themselves. */
export const SPECIAL_SCOPES = ["audit:read", "governance:admin"] as const;

/** Why a scope string is malformed, or null when it is valid. */
export function scopeProblem(scope: string, owners: readonly string[]): string | null {
  if ((SPECIAL_SCOPES as readonly string[]).includes(scope)) return null;
  const parts = scope.split(":");
  if (parts.length < 2 || parts.length > 3) return `"${scope}" is not <owner>:<level> or <owner>:<level>:masked`;
  const [owner, level, modifier] = parts as [string, string, string | undefined];
  if (!owners.includes(owner)) return `"${scope}" names an unknown owner "${owner}" (known: ${owners.join(", ")})`;
  if (!isLevel(level.toUpperCase()) || level === "public" || level !== level.toLowerCase()) {
    return `"${scope}" has level "${level}"; use internal, personal or sensitive`;
  }
  if (modifier !== undefined && modifier !== "masked") return `"${scope}" may end only in ":masked"`;
  return null;
}

/**
 * Builds a grant set from scope strings. Unknown or malformed scopes grant nothing (they are
 * reported where principals are made, not silently widened here).
 */
export function grantSetOf(
  scopes: Iterable<string>,
  policies: Iterable<string> = [],
  allowedFields?: Iterable<string>,
): GrantSet {
  const full = new Map<string, number>();
  const masked = new Map<string, number>();
  const held = new Set<string>();
  for (const scope of scopes) {
    held.add(scope);
    const [owner, level, modifier] = scope.split(":");
    if (!owner || !level) continue;
    const upper = level.toUpperCase();
    if (!isLevel(upper) || upper === "PUBLIC") continue;
    const target = modifier === "masked" ? masked : modifier === undefined ? full : undefined;
    if (!target) continue;
    target.set(owner, Math.max(target.get(owner) ?? 0, levelRank(upper as Level)));
  }
  const policySet = new Set(policies);
  const allowed = allowedFields ? new Set(allowedFields) : undefined;
  const key = JSON.stringify([[...held].sort(), [...policySet].sort(), allowed ? [...allowed].sort() : null]);
  return { full, masked, scopes: held, policies: policySet, allowedFields: allowed, key };
}

/** The scope that grants full reads of `level` data owned by `owner`. */
export function scopeFor(owner: string, level: Level, masked = false): string {
  return `${owner}:${level.toLowerCase()}${masked ? ":masked" : ""}`;
}
