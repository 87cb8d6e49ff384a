import {
  AccessBasis,
  AccessDecision,
  AccessOutcome,
  type AccessAuthority,
  type AccessLogEntry,
  type SubjectAccess,
} from "./ledger.type.ts";
import type { LedgerDecision, LedgerEntryInput, LedgerOutcome } from "@citygraph/ledger";

/**
 * An entry's body as the gateway's ledger writes it: the canonical JSON the hash covers, and the
 * source of truth for every field the auditor sees (the query columns are copies, for filtering).
 * Its format is the ledger package's, declared once.
 */
export type LedgerBody = LedgerEntryInput;

/** Each outcome and decision the ledger records, as the API names it: a new one fails to compile here. */
const OUTCOMES: Record<LedgerOutcome, AccessOutcome> = {
  allowed: AccessOutcome.ALLOWED,
  partial: AccessOutcome.PARTIAL,
  denied: AccessOutcome.DENIED,
  refused: AccessOutcome.REFUSED,
  error: AccessOutcome.ERROR,
};
const DECISIONS: Record<LedgerDecision, AccessDecision> = {
  full: AccessDecision.FULL,
  masked: AccessDecision.MASKED,
  undelivered: AccessDecision.UNDELIVERED,
  denied: AccessDecision.DENIED,
};

/** A stored entry: its position, chain hashes and body. */
export interface LedgerRow {
  seq: bigint | string;
  hash: string;
  prevHash: string;
  body: string;
}

/** What a request's access rested on: the agreement, else the official's organization, else the kind of caller. */
export function authorityOf(body: LedgerBody): AccessAuthority {
  const organization = body.principal.org ?? null;
  if (body.principal.kind === "agreement") return { basis: AccessBasis.AGREEMENT, agreementId: body.agreementId ?? null, organization };
  if (body.principal.kind === "anonymous") return { basis: AccessBasis.ANONYMOUS, agreementId: null, organization: null };
  return { basis: organization ? AccessBasis.ORGANIZATION : AccessBasis.USER, agreementId: null, organization };
}

/** The GraphQL view of a stored entry. */
export function toAccessLogEntry(row: LedgerRow): AccessLogEntry {
  const body = JSON.parse(row.body) as LedgerBody;
  return {
    seq: String(row.seq),
    time: new Date(body.time),
    requestId: body.requestId,
    principal: { kind: body.principal.kind, subject: body.principal.subject, org: body.principal.org ?? null },
    authority: authorityOf(body),
    agreementId: body.agreementId ?? null,
    purpose: body.purpose ?? null,
    operationName: body.operationName ?? null,
    documentHash: body.documentHash ?? null,
    outcome: OUTCOMES[body.outcome],
    refusal: body.refusal ?? null,
    fields: body.fields.map((f) => ({ coordinate: f.coordinate, decision: DECISIONS[f.decision] })),
    subjects: [...body.subjects],
    rowCount: body.rowCount,
    latencyMs: body.latencyMs,
    hash: row.hash,
    prevHash: row.prevHash,
  };
}

/** A person's view of a stored entry: only the fields that were returned. */
export function toSubjectAccess(row: LedgerRow): SubjectAccess {
  const entry = toAccessLogEntry(row);
  return {
    seq: entry.seq,
    time: entry.time,
    requestId: entry.requestId,
    principal: entry.principal,
    purpose: entry.purpose,
    authority: entry.authority,
    fields: entry.fields.filter((f) => f.decision !== AccessDecision.DENIED && f.decision !== AccessDecision.UNDELIVERED),
    operationName: entry.operationName,
    outcome: entry.outcome,
  };
}
