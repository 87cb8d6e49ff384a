/**
 * The classification of every field of the platform. Levels are ordered: a grant of a level
 * includes the levels below it.
 */
export const LEVELS = ["PUBLIC", "INTERNAL", "PERSONAL", "SENSITIVE"] as const;

/** How protected a field is: open data, government-internal, personal, or sensitive personal information. */
export type Level = (typeof LEVELS)[number];

/**
 * What kind of personal information a PERSONAL or SENSITIVE field holds. The kind picks the
 * masking rule; kinds without one stay denied under a masked grant.
 */
export const PERSONAL_KINDS = [
  "ID_NUMBER",
  "PHONE",
  "NAME",
  "ADDRESS",
  "BIRTH_DATE",
  "PLATE",
  "HEALTH",
  "LOCATION",
  "MINOR",
  "GENDER",
  "EMPLOYMENT",
  "EDUCATION",
  "TRAVEL",
  "OTHER",
] as const;

/** One of {@link PERSONAL_KINDS}. */
export type PersonalKind = (typeof PERSONAL_KINDS)[number];

/** Rank of a level: PUBLIC 0 … SENSITIVE 3. */
export function levelRank(level: Level): number {
  return LEVELS.indexOf(level);
}

/** Whether a string is a level. */
export function isLevel(value: string): value is Level {
  return (LEVELS as readonly string[]).includes(value);
}

/** Whether a string is a personal kind. */
export function isPersonalKind(value: string): value is PersonalKind {
  return (PERSONAL_KINDS as readonly string[]).includes(value);
}

/**
 * Everything the permission layer knows about one field coordinate: its owner and classification,
 * plus the standard Federation authorization directives when a field needs more.
 */
export interface FieldPolicy {
  coordinate: string;
  /** The subgraph that resolves the field. */
  owner: string;
  level: Level;
  kind?: PersonalKind;
  /** `@authenticated`: anonymous callers are denied whatever the level. */
  authenticated?: boolean;
  /** `@requiresScopes(scopes: [[...]])`: the caller must hold every scope of at least one inner list. */
  requiresScopes?: readonly (readonly string[])[];
  /** `@policy(policies: [[...]])`: the caller must satisfy every policy of at least one inner list. */
  policies?: readonly (readonly string[])[];
  /** `@compares`: argument name → the coordinate of the field it compares against. */
  compares?: Readonly<Record<string, string>>;
  /** `@orderedBy`: the coordinates a list is ordered by, for callers who may read them in full. */
  orderedBy?: readonly string[];
}
