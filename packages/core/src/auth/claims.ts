import { unauthenticated } from "./errors.ts";

/** Longest `sub`, `name` or `org` accepted, in UTF-16 code units. */
export const MAX_IDENTITY_CLAIM_LENGTH = 256;
/** Longest `scope` claim accepted (space-separated scopes and roles). */
export const MAX_SCOPE_CLAIM_LENGTH = 4_096;
/** Most district codes a `districts` claim may list (Zhengzhou has 16). */
export const MAX_DISTRICTS = 64;

// Control characters (C0, DEL, C1), line/paragraph separators and bidirectional overrides: none
// belongs in an identifier, and each can forge or hide text in logs, the ledger or PostgreSQL
// (which refuses NUL outright).
// eslint-disable-next-line no-control-regex -- matching control characters is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

// With the u flag a surrogate pair is one code point, so \p{Cs} matches only unpaired halves
// (String.prototype.isWellFormed is ES2024, beyond this project's lib).
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Why a claim's text is unacceptable, or null: not well-formed Unicode (a lone surrogate), a
 * control character, or too long. Never includes the value itself.
 */
export function textProblem(value: string, maxLength: number): string | null {
  if (LONE_SURROGATE.test(value)) return "is not well-formed Unicode";
  if (FORBIDDEN.test(value)) return "contains a control character";
  if (value.length > maxLength) return `is longer than ${maxLength} characters`;
  return null;
}

/**
 * Checks the identity claims citygraph reads (`sub`, `name`, `org`, `scope`, `districts`) before
 * anything is built from them: each must be text of the right type, well-formed, free of control
 * characters and bounded. A 401 names the claim and what is wrong, never its value — so a claim
 * that would later break a log line, the ledger or a database write never gets that far.
 * @throws GraphQLError UNAUTHENTICATED naming the claim.
 */
export function assertWellFormedClaims(payload: Record<string, unknown>): void {
  const check = (claim: string, value: unknown, max: number, required = false) => {
    if (value === undefined && !required) return;
    if (typeof value !== "string" || (required && value.length === 0)) {
      throw unauthenticated(`The bearer token's "${claim}" claim must be ${required ? "a non-empty" : "a"} string.`);
    }
    const problem = textProblem(value, max);
    if (problem) throw unauthenticated(`The bearer token's "${claim}" claim ${problem}.`);
  };
  check("sub", payload.sub, MAX_IDENTITY_CLAIM_LENGTH, true);
  check("name", payload.name, MAX_IDENTITY_CLAIM_LENGTH);
  check("org", payload.org, MAX_IDENTITY_CLAIM_LENGTH);
  check("scope", payload.scope, MAX_SCOPE_CLAIM_LENGTH);
  const districts = payload.districts;
  if (Array.isArray(districts)) {
    if (districts.length > MAX_DISTRICTS) throw unauthenticated(`The bearer token's "districts" claim lists more than ${MAX_DISTRICTS} codes.`);
    for (const district of districts) check("districts", district, 16);
  } else {
    check("districts", districts, MAX_DISTRICTS * 17);
  }
}

const FORBIDDEN_GLOBAL = new RegExp(`${FORBIDDEN.source}|${LONE_SURROGATE.source}`, "gu");

/**
 * `value` with every character {@link textProblem} objects to (control characters, lone
 * surrogates) replaced by U+FFFD: for text that must be kept whatever a client sent (the ledger).
 */
export function replaceUnsafeCharacters(value: string): string {
  return value.replace(FORBIDDEN_GLOBAL, "\ufffd");
}
