import { replaceUnsafeCharacters, type Principal } from "@citygraph/core";
import { sha256Hex } from "./hash.ts";

/**
 * What one request leaves in the access ledger: who asked, under which authority and why, which
 * fields were decided how, whose personal data came back, and how it ended. Identifiers and
 * counts only, never a value that was read.
 */

/** How a request ended. */
export type LedgerOutcome =
  /** Everything asked for was returned. */
  | "allowed"
  /** Some fields were denied (returned null, "filter" mode) and the rest returned. */
  | "partial"
  /** Rejected by the permission check before anything executed. */
  | "denied"
  /** Refused before permissions were decided (quota, unknown persisted operation, bad credentials…); see `refusal`. */
  | "refused"
  /** Failed while executing. */
  | "error";

/** Every {@link LedgerOutcome}, in a stable order. */
export const LEDGER_OUTCOMES: readonly LedgerOutcome[] = ["allowed", "partial", "denied", "refused", "error"];

/**
 * How a field coordinate was decided for the caller. `undelivered`: allowed, but the subgraph
 * holding it failed (down, refusing, timed out), so no value was returned.
 */
export type LedgerDecision = "full" | "masked" | "undelivered" | "denied";

/** Every {@link LedgerDecision}, from least to most restrictive. */
export const LEDGER_DECISIONS: readonly LedgerDecision[] = ["full", "masked", "undelivered", "denied"];

/** The caller, as the ledger records it. Anonymous callers have the subject "anonymous". */
export interface LedgerPrincipal {
  kind: Principal["kind"];
  /** The identity provider's subject, or an agreement principal's API key id. */
  subject: string;
  /** The principal's organization, when it has one. */
  org?: string;
}

/** One field coordinate the operation reached and the decision made for it. */
export interface LedgerFieldAccess {
  /** `Type.field`. */
  coordinate: string;
  decision: LedgerDecision;
}

/** One ledger entry as the gateway hands it to {@link Ledger.append}. */
export interface LedgerEntryInput {
  /** When the request arrived, ISO 8601 (stored with millisecond precision). */
  time: string;
  /** The gateway's own id of the request: unique. */
  requestId: string;
  /** The id the client sent in `x-request-id`, for correlating its logs (not unique, bounded). */
  clientRequestId?: string;
  principal: LedgerPrincipal;
  /** The agreement a third party called under (a UUID). */
  agreementId?: string;
  /** The purpose the request declared (agreement principals). */
  purpose?: string;
  operationName?: string;
  /** SHA-256 (hex) of the operation document. */
  documentHash?: string;
  /** Every coordinate the operation reached, with its decision. */
  fields: readonly LedgerFieldAccess[];
  /** Pseudonymous person ids whose personal data (above PUBLIC/INTERNAL) was returned. */
  subjects: readonly string[];
  /** Records returned (list nodes and entities), for quotas and usage reports. */
  rowCount: number;
  outcome: LedgerOutcome;
  /** The error code of a refusal or failure (e.g. "FORBIDDEN", "QUOTA_EXCEEDED"). */
  refusal?: string;
  /** What was wrong, for refusals sharing one code (e.g. "batched" or "invalid-json" for BAD_REQUEST). */
  reason?: string;
  /** Time spent on the request before it was logged, milliseconds. */
  latencyMs: number;
  /**
   * The database refused the entry as given, so its free text was replaced by hashes
   * ({@link quarantinedEntry}); the hashes still match the original values for an investigator.
   */
  quarantined?: true;
}

/** An entry that cannot be recorded as given: a bug in the caller (the ledger never guesses). */
export class LedgerEntryError extends TypeError {
  override name = "LedgerEntryError";
}

const PRINCIPAL_KINDS: readonly string[] = ["anonymous", "user", "agreement"];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COORDINATE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const MAX_TEXT = 256;

/** Whether `value` looks like a UUID (any version), case-insensitively. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Whether `value` is a field coordinate, `Type.field`. */
export function isCoordinate(value: string): boolean {
  return COORDINATE.test(value);
}

/**
 * Client-chosen text (purposes, operation names, refused values, request ids) is kept whatever it
 * is, so that no request goes unrecorded: characters PostgreSQL or a reader could choke on become
 * U+FFFD, and text beyond {@link MAX_TEXT} is cut with a marker and the SHA-256 of the whole, so
 * two long values stay distinguishable: `<first 176 characters>…[sha256:<first 16 hex digits>]`.
 */
export function boundedText(value: string): string {
  const safe = replaceUnsafeCharacters(value);
  if (safe.length <= MAX_TEXT) return safe;
  // Cutting may split a surrogate pair: the half left over is replaced like any other.
  return `${replaceUnsafeCharacters(safe.slice(0, MAX_TEXT - 80))}…[sha256:${sha256Hex(value).slice(0, 16)}]`;
}

function text(name: string, value: unknown, optional: true): string | undefined;
function text(name: string, value: unknown, optional?: false): string;
function text(name: string, value: unknown, optional = false): string | undefined {
  if (value === undefined || value === null) {
    if (optional) return undefined;
    throw new LedgerEntryError(`ledger entry: ${name} is required`);
  }
  if (typeof value !== "string" || (!optional && value.length === 0)) {
    throw new LedgerEntryError(`ledger entry: ${name} must be a non-empty string`);
  }
  return value === "" ? undefined : boundedText(value);
}

/**
 * Validates an entry and puts it in the one form the ledger stores: only the known members (so no
 * value can ride along), the time as a millisecond ISO instant, the agreement id in lowercase,
 * fields sorted by coordinate (one decision each), subjects sorted and distinct.
 * @throws LedgerEntryError naming the member that is wrong.
 */
export function normalizeEntry(input: LedgerEntryInput): LedgerEntryInput {
  if (typeof input !== "object" || input === null) throw new LedgerEntryError("ledger entry: not an object");
  const time = typeof input.time === "string" ? new Date(input.time) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw new LedgerEntryError("ledger entry: time must be an ISO 8601 instant");
  const principal = input.principal;
  if (typeof principal !== "object" || principal === null || !PRINCIPAL_KINDS.includes(principal.kind)) {
    throw new LedgerEntryError(`ledger entry: principal.kind must be one of ${PRINCIPAL_KINDS.join(", ")}`);
  }
  const agreementId = text("agreementId", input.agreementId, true);
  if (agreementId !== undefined && !isUuid(agreementId)) throw new LedgerEntryError("ledger entry: agreementId must be a UUID");
  if (!LEDGER_OUTCOMES.includes(input.outcome)) {
    throw new LedgerEntryError(`ledger entry: outcome must be one of ${LEDGER_OUTCOMES.join(", ")}`);
  }
  if (!Number.isSafeInteger(input.rowCount) || input.rowCount < 0) {
    throw new LedgerEntryError("ledger entry: rowCount must be a whole number >= 0");
  }
  if (typeof input.latencyMs !== "number" || !Number.isFinite(input.latencyMs) || input.latencyMs < 0) {
    throw new LedgerEntryError("ledger entry: latencyMs must be a finite number >= 0");
  }
  if (!Array.isArray(input.fields)) throw new LedgerEntryError("ledger entry: fields must be an array");
  const fields = new Map<string, LedgerDecision>();
  for (const field of input.fields as readonly LedgerFieldAccess[]) {
    if (typeof field?.coordinate !== "string" || !isCoordinate(field.coordinate)) {
      throw new LedgerEntryError("ledger entry: every field needs a coordinate `Type.field`");
    }
    if (!LEDGER_DECISIONS.includes(field.decision)) {
      throw new LedgerEntryError(`ledger entry: a field's decision must be one of ${LEDGER_DECISIONS.join(", ")}`);
    }
    // The same coordinate reached twice keeps its most restrictive decision.
    const before = fields.get(field.coordinate);
    if (!before || LEDGER_DECISIONS.indexOf(field.decision) > LEDGER_DECISIONS.indexOf(before)) {
      fields.set(field.coordinate, field.decision);
    }
  }
  if (!Array.isArray(input.subjects) || !input.subjects.every((s) => typeof s === "string" && s.length > 0 && s.length <= MAX_TEXT)) {
    throw new LedgerEntryError("ledger entry: subjects must be an array of person ids");
  }
  const entry: LedgerEntryInput = {
    time: time.toISOString(),
    requestId: text("requestId", input.requestId),
    clientRequestId: text("clientRequestId", input.clientRequestId, true),
    principal: {
      kind: principal.kind,
      subject: text("principal.subject", principal.subject),
      org: text("principal.org", principal.org, true),
    },
    agreementId: agreementId?.toLowerCase(),
    purpose: text("purpose", input.purpose, true),
    operationName: text("operationName", input.operationName, true),
    documentHash: text("documentHash", input.documentHash, true),
    fields: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([coordinate, decision]) => ({ coordinate, decision })),
    subjects: [...new Set(input.subjects)].sort(),
    rowCount: input.rowCount,
    outcome: input.outcome,
    refusal: text("refusal", input.refusal, true),
    reason: text("reason", input.reason, true),
    latencyMs: input.latencyMs,
    quarantined: input.quarantined === true ? true : undefined,
  };
  return entry;
}

/**
 * The form an entry is stored in when the database refuses it as given: every free text (who, org,
 * purpose, operation name, refusal, client request id, subjects) replaced by `sha256:<hex>` of its
 * value, so nothing a client chose reaches the database while the entry still says who and when.
 */
export function quarantinedEntry(entry: LedgerEntryInput): LedgerEntryInput {
  const hashed = (value: string | undefined) => (value === undefined ? undefined : `sha256:${sha256Hex(value)}`);
  return {
    ...entry,
    clientRequestId: hashed(entry.clientRequestId),
    principal: { kind: entry.principal.kind, subject: hashed(entry.principal.subject)!, org: hashed(entry.principal.org) },
    purpose: hashed(entry.purpose),
    operationName: hashed(entry.operationName),
    documentHash: hashed(entry.documentHash),
    refusal: hashed(entry.refusal),
    reason: hashed(entry.reason),
    subjects: entry.subjects.map((s) => hashed(s)!),
    quarantined: true,
  };
}

/** The `principal` column: `kind:subject` (`user:li.wei`, `agreement:<api key id>`), or `anonymous`. */
export function principalLabel(principal: LedgerPrincipal): string {
  return principal.kind === "anonymous" ? "anonymous" : `${principal.kind}:${principal.subject}`;
}

/** The query columns of `ledger_entry`, as they must read for an entry. */
export interface LedgerColumns {
  /** `created_at`: the entry's time, ISO. */
  createdAt: string;
  requestId: string;
  principal: string;
  agreementId: string | null;
  purpose: string | null;
  outcome: string;
  subjects: string[];
  /** Every coordinate the operation reached (whatever the decision). */
  coordinates: string[];
  /** The coordinates that were denied. */
  denied: string[];
}

/**
 * The query columns an entry implies: the writer copies them next to the body and the verifier
 * recomputes them from the body, so an edited column is caught.
 */
export function ledgerColumnsOf(entry: LedgerEntryInput): LedgerColumns {
  return {
    createdAt: new Date(entry.time).toISOString(),
    requestId: entry.requestId,
    principal: principalLabel(entry.principal),
    agreementId: entry.agreementId ?? null,
    purpose: entry.purpose ?? null,
    outcome: entry.outcome,
    subjects: [...entry.subjects],
    coordinates: entry.fields.map((f) => f.coordinate),
    denied: entry.fields.filter((f) => f.decision === "denied").map((f) => f.coordinate),
  };
}

/**
 * The ledger's view of a request's principal: who, and for agreement principals the agreement and
 * declared purpose (fill `agreementId`/`purpose` of the entry from it).
 */
export function ledgerIdentityOf(principal: Principal): Pick<LedgerEntryInput, "principal" | "agreementId" | "purpose"> {
  switch (principal.kind) {
    case "anonymous":
      return { principal: { kind: "anonymous", subject: "anonymous" } };
    case "user":
      return { principal: { kind: "user", subject: principal.subject, org: principal.org } };
    case "agreement":
      return {
        principal: { kind: "agreement", subject: principal.subject, org: principal.org },
        agreementId: principal.agreementId || undefined,
        purpose: principal.purpose || undefined,
      };
  }
}
