import {
  LEVELS,
  StartupError,
  isLevel,
  isPersonalKind,
  levelRank,
  maskerFor,
  readSupergraphFields,
  scopeFor,
  type FieldPolicy,
  type Level,
} from "@citygraph/core";

/** A field coordinate of the supergraph, as the catalog stores it. */
export interface DataAssetRecord {
  coordinate: string;
  typeName: string;
  fieldName: string;
  owner: string;
  owners: string[];
  returnType: string;
  description: string | null;
  /** PUBLIC, INTERNAL, PERSONAL or SENSITIVE. */
  level: Level;
  /** The kind of personal information, for PERSONAL and SENSITIVE fields. */
  kind: string | null;
  /** {@link Requirements} as JSON text, or null when the field has none. */
  requirements: string | null;
}

/** The Federation authorization directives of a field, stored as JSON text in `requirements`. */
export interface Requirements {
  authenticated?: boolean;
  requiresScopes?: readonly (readonly string[])[];
  policies?: readonly (readonly string[])[];
}

/**
 * The catalog's rows: every field of the supergraph's object types with its owners and policy.
 * A field without a valid classification cannot be catalogued honestly (composition rejects such
 * a supergraph anyway): start-up fails and names it.
 */
export function catalogFromSupergraph(supergraphSdl: string): DataAssetRecord[] {
  const fields = readSupergraphFields(supergraphSdl).filter((f) => f.typeName !== "Query" || !f.fieldName.startsWith("_"));
  const unclassified = fields.filter((f) => !f.policy);
  if (unclassified.length) {
    throw new StartupError(
      `The supergraph has fields without a valid @classified: ${unclassified.map((f) => `${f.coordinate} (${f.problem})`).join(", ")}`,
    );
  }
  return fields.map(({ coordinate, typeName, fieldName, owner, owners, returnType, description, policy }) => ({
    coordinate,
    typeName,
    fieldName,
    owner,
    owners,
    returnType,
    description,
    level: policy!.level,
    kind: policy!.kind ?? null,
    requirements: requirementsOf(policy!),
  }));
}

function requirementsOf(policy: FieldPolicy): string | null {
  const requirements: Requirements = {};
  if (policy.authenticated) requirements.authenticated = true;
  if (policy.requiresScopes?.length) requirements.requiresScopes = policy.requiresScopes;
  if (policy.policies?.length) requirements.policies = policy.policies;
  return Object.keys(requirements).length ? JSON.stringify(requirements) : null;
}

/** The columns of a stored asset the policy is rebuilt from. */
export type StoredPolicy = Pick<DataAssetRecord, "coordinate" | "owner" | "kind" | "requirements"> & { level: string };

/**
 * The field's policy, as `decide` takes it, rebuilt from a catalog row. A row the catalog could not
 * have written (an unknown level or kind, unreadable requirements) is treated as SENSITIVE with a
 * requirement nobody meets: it reads as denied, never as open.
 */
export function policyOf(row: StoredPolicy): FieldPolicy {
  const kind = row.kind && isPersonalKind(row.kind) ? row.kind : undefined;
  const broken: FieldPolicy = { coordinate: row.coordinate, owner: row.owner, level: "SENSITIVE", kind, policies: [["unreadable catalog row"]] };
  if (!isLevel(row.level) || (row.kind && !kind)) return broken;
  const policy: FieldPolicy = { coordinate: row.coordinate, owner: row.owner, level: row.level, kind };
  if (!row.requirements) return policy;
  try {
    const requirements = JSON.parse(row.requirements) as Requirements;
    if (requirements.authenticated) policy.authenticated = true;
    if (requirements.requiresScopes) policy.requiresScopes = requirements.requiresScopes;
    if (requirements.policies) policy.policies = requirements.policies;
    return policy;
  } catch {
    return broken;
  }
}

/**
 * The scopes that grant a field in full: `<owner>:<level>` and the higher levels of the same owner.
 * None for PUBLIC fields, which need no scope.
 */
export function grantingScopes(owner: string, level: Level): string[] {
  if (level === "PUBLIC") return [];
  return LEVELS.filter((l) => levelRank(l) >= levelRank(level)).map((l) => scopeFor(owner, l));
}

/**
 * The scopes that grant a field masked: `<owner>:<level>:masked` and the higher levels, when the
 * field's kind has a masking rule; none otherwise (such fields stay denied under a masked grant).
 */
export function maskingScopes(owner: string, level: Level, kind: string | null | undefined): string[] {
  if (level === "PUBLIC" || !kind || !isPersonalKind(kind) || !maskerFor(kind)) return [];
  return LEVELS.filter((l) => levelRank(l) >= levelRank(level)).map((l) => scopeFor(owner, l, true));
}

/** What {@link visibleCoordinates} needs of a catalog row. */
export type SchemaPlace = Pick<DataAssetRecord, "coordinate" | "typeName" | "returnType">;

/**
 * The coordinates the caller's introspection shows (the gateway's visible schema): fields it may
 * read, in full or masked, on types it can reach from `Query` and `Mutation` through such fields; a
 * type left without a readable field is gone, and so is every field returning it. The same pruning
 * as the gateway's `pruneSchema`, done on the catalog's rows (the supergraph has no interfaces or
 * unions, so object types and their return types are all there is to follow).
 */
export function visibleCoordinates<R extends SchemaPlace>(rows: readonly R[], readable: (row: R) => boolean): Set<string> {
  const objectTypes = new Set(rows.map((r) => r.typeName));
  const named = (returnType: string) => returnType.replace(/[[\]!\s]/g, "");
  let fields = rows.filter(readable);
  for (;;) {
    const byType = new Map<string, R[]>();
    for (const field of fields) byType.set(field.typeName, [...(byType.get(field.typeName) ?? []), field]);
    const reached = new Set<string>();
    const queue = ["Query", "Mutation"].filter((t) => byType.has(t));
    for (let type = queue.pop(); type !== undefined; type = queue.pop()) {
      if (reached.has(type)) continue;
      reached.add(type);
      for (const field of byType.get(type) ?? []) {
        const target = named(field.returnType);
        if (byType.has(target)) queue.push(target);
      }
    }
    const kept = fields.filter((f) => reached.has(f.typeName) && (!objectTypes.has(named(f.returnType)) || reached.has(named(f.returnType))));
    if (kept.length === fields.length) return new Set(kept.map((f) => f.coordinate));
    fields = kept;
  }
}
