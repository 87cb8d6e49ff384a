import { createHash } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { ErrorCode, grantSetOf, headerValue, httpStatusOf, textProblem, type Principal } from "@citygraph/core";
import { apiKeySecretMatches, parseApiKey, standingOf } from "@citygraph/agreements";
import type { AgreementRepository } from "./agreement.repository.ts";
import { secondsUntilEnd, windowOf, type QuotaStore, type QuotaWindow } from "../quota/index.ts";

/** A third-party request the gate let through: its principal and the body Apollo should run. */
export interface Admitted {
  kind: "admitted";
  principal: Extract<Principal, { kind: "agreement" }>;
  body: { query: string; variables?: unknown; operationName?: string };
  operationName: string;
  documentHash: string;
  /** The agreement's records per day, which its responses are held to. */
  recordsPerDay: number;
}

/** A refusal, with the distinct code for what was wrong. */
export interface Refused {
  kind: "refused";
  status: number;
  code: string;
  message: string;
  headers?: Record<string, string>;
  /** What is known of the caller, for the ledger entry of the refusal. */
  keyId?: string;
  agreementId?: string;
  purpose?: string;
}

/** Not a third-party request (no API key, no purpose): users and anonymous callers pass through. */
export interface NotThirdParty {
  kind: "not-third-party";
}

/** Longest X-Purpose accepted; agreements name purposes as short tokens ("epidemic-prevention"). */
export const MAX_PURPOSE_LENGTH = 128;

function refuse(code: ErrorCode, message: string, extra: Partial<Refused> = {}): Refused {
  return { kind: "refused", status: httpStatusOf(code), code, message, ...extra };
}

function quotaRefusal(window: QuotaWindow, at: number, message: string, who: Partial<Refused>): Refused {
  return refuse(ErrorCode.QUOTA_EXCEEDED, message, { ...who, headers: { "retry-after": String(secondsUntilEnd(window, at)) } });
}

function sha256Hex(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/**
 * The gate third parties pass on every request: API key → agreement (read fresh, so suspension
 * and revocation apply at once on every instance) → status and dates → purpose → persisted
 * operation → quotas. Each refusal has its own code. Only persisted operations run: the body's
 * query is replaced by the agreement's registered document.
 */
export function createThirdPartyGate(options: { repository: AgreementRepository; quota: QuotaStore; now?: () => number }) {
  const now = options.now ?? Date.now;
  return async function admit(req: IncomingMessage, body: unknown): Promise<Admitted | Refused | NotThirdParty> {
    const authorization = headerValue(req, "authorization");
    const apiKey = headerValue(req, "x-api-key") ?? (/^ApiKey\s+(\S+)$/i.exec(authorization ?? "")?.[1] || undefined);
    const purpose = headerValue(req, "x-purpose")?.trim() || undefined;
    if (!apiKey) {
      return purpose
        ? refuse(ErrorCode.API_KEY_MISSING, "X-Purpose is for third parties: send the agreement's API key in X-API-Key.")
        : { kind: "not-third-party" };
    }
    const parsed = parseApiKey(apiKey);
    if (!parsed) return refuse(ErrorCode.API_KEY_INVALID, "The API key is malformed.");
    const { id: keyId, secret } = parsed;
    const row = await options.repository.findKey(keyId);
    const valid = row !== undefined && row.keyRevokedAt === null && apiKeySecretMatches(secret, row.secretHash);
    if (!valid) return refuse(ErrorCode.API_KEY_INVALID, "The API key is unknown, revoked, or wrong.", { keyId });
    const at = now();
    const who = { keyId, agreementId: row.agreementId, purpose };
    // The rule administrators see in `agreement.status`, so both always name the same state.
    const standing = standingOf(row, new Date(at));
    switch (standing.kind) {
      case "in-force":
        break;
      case "expired":
        return refuse(ErrorCode.AGREEMENT_EXPIRED, "The agreement has expired.", who);
      case "not-yet-valid":
        return refuse(ErrorCode.AGREEMENT_EXPIRED, "The agreement is not valid yet: it is outside its validity dates.", who);
      case "inactive":
        return refuse(ErrorCode.AGREEMENT_INACTIVE, `The agreement is ${standing.status.toLowerCase()}.`, who);
      default: {
        const unreachable: never = standing;
        throw new Error(`Unknown agreement standing ${JSON.stringify(unreachable)}`);
      }
    }
    if (!purpose) return refuse(ErrorCode.PURPOSE_REQUIRED, "Declare the purpose of the request in X-Purpose.", who);
    // Checked before it is echoed in a message; the ledger keeps it bounded whatever it is.
    const problem = textProblem(purpose, MAX_PURPOSE_LENGTH);
    if (problem) return refuse(ErrorCode.PURPOSE_NOT_PERMITTED, `The X-Purpose header ${problem}.`, who);
    if (!row.purposes.includes(purpose)) {
      return refuse(ErrorCode.PURPOSE_NOT_PERMITTED, `The agreement does not cover the purpose "${purpose}".`, who);
    }
    const request = (typeof body === "object" && body !== null && !Array.isArray(body) ? body : {}) as {
      query?: unknown;
      variables?: unknown;
      operationName?: unknown;
      extensions?: { persistedQuery?: { sha256Hash?: unknown } };
    };
    const hash =
      typeof request.extensions?.persistedQuery?.sha256Hash === "string"
        ? request.extensions.persistedQuery.sha256Hash.toLowerCase()
        : typeof request.query === "string"
          ? sha256Hex(request.query)
          : undefined;
    const operation = hash && /^[0-9a-f]{64}$/.test(hash) ? await options.repository.findOperation(row.agreementId, hash) : undefined;
    if (!operation || !hash) {
      return refuse(
        ErrorCode.OPERATION_NOT_PERSISTED,
        "Third parties run only their agreement's registered operations: send extensions.persistedQuery.sha256Hash.",
        who,
      );
    }
    // Atomic check-and-add: a refused request is not counted, and parallel requests at every
    // gateway instance never pass the limit together.
    const minute = windowOf(row.agreementId, "requests", at);
    if ((await options.quota.take(minute, 1, row.requestsPerMinute)).kind === "refused") {
      return quotaRefusal(minute, at, `The agreement allows ${row.requestsPerMinute} requests a minute.`, who);
    }
    // Nothing runs once the day's records are used up. A request that does run is held to what
    // remains when its response is counted (records quota plugin), so no response overshoots.
    const day = windowOf(row.agreementId, "records", at);
    if ((await options.quota.read(day)) >= row.recordsPerDay) {
      return quotaRefusal(day, at, `The agreement's ${row.recordsPerDay} records for today are used up.`, who);
    }
    const allowedFields = row.allowedFields.length ? row.allowedFields : undefined;
    return {
      kind: "admitted",
      operationName: operation.name,
      documentHash: hash,
      recordsPerDay: row.recordsPerDay,
      // Only keys with values: Apollo rejects an `operationName` key that is present but undefined.
      body: {
        query: operation.document,
        ...(request.variables !== undefined ? { variables: request.variables } : {}),
        ...(typeof request.operationName === "string" ? { operationName: request.operationName } : {}),
      },
      principal: {
        kind: "agreement",
        subject: keyId,
        org: row.organizationId,
        agreementId: row.agreementId,
        purpose,
        scopes: row.scopes,
        districts: row.districts.length ? row.districts : undefined,
        allowedFields,
        grants: grantSetOf(row.scopes, [], allowedFields),
      },
    };
  };
}

/**
 * Counts the records in a response's data, for the records-per-day quota: every object in a list,
 * plus every root field's single object (a connection wrapper is not a record; its nodes are).
 */
export function countRecords(data: unknown): number {
  const walk = (value: unknown, root: boolean): number => {
    if (Array.isArray(value)) {
      return value.reduce((sum: number, item) => sum + (item !== null && typeof item === "object" && !Array.isArray(item) ? 1 : 0) + walk(item, false), 0);
    }
    if (value === null || typeof value !== "object") return 0;
    let count = root && !("nodes" in value) ? 1 : 0;
    for (const child of Object.values(value)) count += walk(child, false);
    return count;
  };
  if (data === null || typeof data !== "object") return 0;
  return Object.values(data).reduce((sum: number, value) => sum + walk(value, true), 0);
}
