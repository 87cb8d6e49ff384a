import type { ApolloServerPlugin, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { ErrorCode, type Logger } from "@citygraph/core";
import type { GatewayContext } from "../context.ts";
import { accessOf } from "../permissions/index.ts";
import { countRecords } from "../third-party/index.ts";
import { ledgerIdentityOf, type LedgerEntryInput, type LedgerOutcome } from "../ledger/entry.ts";
import type { Ledger } from "../ledger/writer.ts";

/** Options of {@link createAuditPlugin}. */
export interface AuditPluginOptions {
  ledger: Ledger;
  /** Where subjects (person ids) reported by subgraphs are kept for a request. */
  subjectsOf: (context: GatewayContext) => Iterable<string>;
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
            (Boolean(access?.personal) || entry.subjects.length > 0) && entry.outcome !== "denied" && entry.outcome !== "error";
          if (!carriesPersonalData) {
            options.ledger.append(entry).catch((error: unknown) => {
              options.log.error("ledger append failed", { requestId: entry.requestId, error: String(error) });
            });
            return;
          }
          try {
            await options.ledger.append(entry);
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
  if (!hasData) outcome = firstCode === ErrorCode.FORBIDDEN ? "denied" : "error";
  else if (errors.length) outcome = "partial";
  return {
    time,
    requestId: rc.contextValue.requestId,
    ...ledgerIdentityOf(rc.contextValue.principal),
    // Client-chosen text: bounded so that an entry is never refused (and a request never unrecorded).
    operationName: rc.operationName ? rc.operationName.slice(0, 200) : undefined,
    documentHash: rc.queryHash,
    fields: accessOf(rc.contextValue)?.fields ?? [],
    subjects: [...options.subjectsOf(rc.contextValue)],
    rowCount: hasData ? countRecords(body!.data) : 0,
    outcome,
    refusal: typeof firstCode === "string" && outcome !== "allowed" ? firstCode : undefined,
    latencyMs: Math.round(latencyMs),
  };
}

/** Replaces a response that may not leave unrecorded with a 503. */
function failClosed(rc: GraphQLRequestContextWillSendResponse<GatewayContext>): void {
  rc.response.http.status = 503;
  rc.response.body = {
    kind: "single",
    singleResult: {
      errors: [
        {
          message: "The access ledger is unavailable, so personal data cannot be sent. Try again later.",
          extensions: { code: ErrorCode.LEDGER_UNAVAILABLE },
        },
      ],
    },
  };
}
