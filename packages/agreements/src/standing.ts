/** An agreement's lifecycle status as stored (`governance.agreement.status`). */
export type StoredAgreementStatus = "DRAFT" | "ACTIVE" | "SUSPENDED" | "REVOKED" | "EXPIRED";

/** Statuses that read as EXPIRED once `validUntil` has passed: all but REVOKED, which stays. */
export const EXPIRING_STATUSES: readonly StoredAgreementStatus[] = ["DRAFT", "ACTIVE", "SUSPENDED"];

/** What the rule needs of an agreement. */
export interface AgreementDates {
  status: StoredAgreementStatus;
  validFrom: Date;
  validUntil: Date;
}

/**
 * The status an agreement reads as at `now`, to administrators and third parties alike: DRAFT,
 * ACTIVE or SUSPENDED past `validUntil` is EXPIRED; REVOKED stays REVOKED.
 */
export function effectiveStatus(stored: StoredAgreementStatus, validUntil: Date, now: Date): StoredAgreementStatus {
  return EXPIRING_STATUSES.includes(stored) && validUntil.getTime() <= now.getTime() ? "EXPIRED" : stored;
}

/** Whether an agreement lets a third party in at an instant, and if not, why. */
export type AgreementStanding =
  | { kind: "in-force" }
  | { kind: "expired" }
  | { kind: "not-yet-valid" }
  | { kind: "inactive"; status: Exclude<StoredAgreementStatus, "ACTIVE" | "EXPIRED"> };

/** The single standing rule: in force when it reads as ACTIVE at `now` and `validFrom` has come. */
export function standingOf(agreement: AgreementDates, now: Date): AgreementStanding {
  const status = effectiveStatus(agreement.status, agreement.validUntil, now);
  switch (status) {
    case "EXPIRED":
      return { kind: "expired" };
    case "ACTIVE":
      return now.getTime() < agreement.validFrom.getTime() ? { kind: "not-yet-valid" } : { kind: "in-force" };
    case "DRAFT":
    case "SUSPENDED":
    case "REVOKED":
      return { kind: "inactive", status };
    default: {
      const unreachable: never = status;
      throw new Error(`Unknown agreement status ${String(unreachable)}`);
    }
  }
}
