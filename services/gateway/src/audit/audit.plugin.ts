import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { ErrorCode, type Logger } from "@citygraph/core";
import type { GatewayContext } from "../context.ts";
import { accessOf } from "../permissions/index.ts";
import { countRecords } from "../third-party/index.ts";
import { ledgerIdentityOf, type Ledger, type LedgerEntryInput, type LedgerOutcome } from "@citygraph/ledger";

/** Options of {@link createAuditPlugin}. */
export interface AuditPluginOptions {
  ledger: Ledger;
  /** Records an entry without personal data (its response does not wait): the ledger, or its spool. */
  keep: (entry: LedgerEntryInput) => void;
  /** Where subjects (person ids) reported by subgraphs are kept for a request. */
  subjectsOf: (context: GatewayContext) => Iterable<string>;
  /** True while the watchful writer finds the chain rewritten: personal data is then withheld. Default never. */
  compromised?: () => boolean;
  /** The subgraph that holds each field coordinate (fields of a failed subgraph are recorded as undelivered). */
  ownerOf: (coordinate: string) => string | undefined;
  log: Logger;
}

/**
 * Appends one ledger entry per request: who, under which agreement and purpose, which fields with
 * which decision, whose personal data, how many records, the outcome. A response carrying PERSONAL
 * or SENSITIVE data waits until its entry is durably committed (group commit keeps that cheap),
 * and fails closed with LEDGER_UNAVAILABLE when it cannot be; other responses do not wait.
 */
export function createAuditPlugin(options: AuditPluginOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      const time = new Date().toISOString();
      return {
        async willSendResponse(rc) {
          const entry = entryOf(rc, time, performance.now() - started, options);
          const access = accessOf(rc.contextValue);
          // Personal data: a PERSONAL/SENSITIVE field was readable, or a subgraph reported persons
          // whose data it returned (e.g. a lookup by a personal value through INTERNAL fields).
          const carriesPersonalData =
            (Boolean(access?.personal) || entry.subjects.length > 0) && entry.outcome !== "denied" && entry.outcome !== "error" && entry.outcome !== "refused";
          if (!carriesPersonalData) {
            options.keep(entry);
            return;
          }
          if (options.compromised?.()) {
            // Recorded (without waiting: it carries nothing now), then refused.
            options.keep({ ...entry, outcome: "refused", refusal: ErrorCode.LEDGER_COMPROMISED, subjects: [], rowCount: 0 });
            failClosed(rc, ErrorCode.LEDGER_COMPROMISED);
            return;
          }
          try {
            await options.ledger.append(entry);
            // The write that recorded it may be the one that found the chain rewritten.
            if (options.compromised?.()) failClosed(rc, ErrorCode.LEDGER_COMPROMISED);
          } catch (error) {
            options.log.error("ledger unavailable: withholding personal data", { requestId: entry.requestId, error: String(error) });
            failClosed(rc);
          }
        },
      };
    },
  };
}

function entryOf(
  rc: GraphQLRequestContextWillSendResponse<GatewayContext>,
  time: string,
  latencyMs: number,
  options: AuditPluginOptions,
): LedgerEntryInput {
  const body = rc.response.body.kind === "single" ? rc.response.body.singleResult : undefined;
  const errors = body?.errors ?? [];
  const hasData = body?.data !== undefined && body.data !== null;
  const firstCode = errors[0]?.extensions?.code;
  let outcome: LedgerOutcome = "allowed";
  // A response withheld for its agreement's quota: executed, but nothing of it was sent.
  if (!hasData) outcome = firstCode === ErrorCode.FORBIDDEN ? "denied" : firstCode === ErrorCode.QUOTA_EXCEEDED ? "refused" : "error";
  else if (errors.length) outcome = "partial";
  return {
    time,
    requestId: rc.contextValue.requestId,
    clientRequestId: rc.contextValue.clientRequestId,
    ...ledgerIdentityOf(rc.contextValue.principal),
    // Client-chosen text: the ledger bounds it (boundedText), so an entry is never refused for it.
    operationName: rc.operationName || undefined,
    documentHash: rc.queryHash,
    fields: deliveredFields(accessOf(rc.contextValue)?.fields ?? [], rc.contextValue.failedSubgraphs, options.ownerOf),
    subjects: [...options.subjectsOf(rc.contextValue)],
    rowCount: hasData ? countRecords(body!.data) : 0,
    outcome,
    refusal: typeof firstCode === "string" && outcome !== "allowed" ? firstCode : undefined,
    latencyMs: Math.round(latencyMs),
  };
}

/** A field its failed subgraph held was allowed but never returned: the ledger must not say `full`. */
function deliveredFields(
  fields: LedgerEntryInput["fields"],
  failed: ReadonlySet<string> | undefined,
  ownerOf: AuditPluginOptions["ownerOf"],
): LedgerEntryInput["fields"] {
  if (!failed?.size) return fields;
  return fields.map((field) =>
    field.decision !== "denied" && failed.has(ownerOf(field.coordinate) ?? "") ? { ...field, decision: "undelivered" } : field,
  );
}

const WITHHELD = {
  [ErrorCode.LEDGER_UNAVAILABLE]: "The access ledger is unavailable, so personal data cannot be sent. Try again later.",
  [ErrorCode.LEDGER_COMPROMISED]:
    "The access ledger's history was altered, so personal data is withheld until an operator acknowledges the break.",
} as const;

/** Replaces a response that may not leave (unrecorded, or over a compromised ledger) with a 503. */
function failClosed(
  rc: GraphQLRequestContextWillSendResponse<GatewayContext>,
  code: keyof typeof WITHHELD = ErrorCode.LEDGER_UNAVAILABLE,
): void {
  rc.response.http.status = 503;
  rc.response.body = {
    kind: "single",
    singleResult: {
      errors: [
        {
          message: WITHHELD[code],
          extensions: { code },
        },
      ],
    },
  };
}
