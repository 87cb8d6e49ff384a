import type { ApolloServerPlugin, GraphQLRequestContextExecutionDidStart } from "@apollo/server";
import { ErrorCode, type Logger } from "@citygraph/core";
import type { GatewayContext } from "../context.ts";
import { secondsUntilEnd, windowOf, type QuotaStore } from "../quota/index.ts";
import { countRecords } from "./gate.ts";

/** Options of {@link createUsagePlugin}. */
export interface UsagePluginOptions {
  /** Where the agreements' counters live (shared by every gateway instance). */
  quota: QuotaStore;
  /** Where a failing quota store is reported (the response is withheld then). */
  log: Logger;
  /** Clock, Unix milliseconds. Default `Date.now`. */
  now?: () => number;
}

/**
 * Holds every third-party response to the records its agreement has left today.
 *
 * Design: the actual records are counted once the operation has executed and, before anything is
 * sent, atomically taken from what remains (one check-and-add in the shared store). A response that
 * does not fit in full is not sent at all: 429 `QUOTA_EXCEEDED`, `Retry-After` until the day ends,
 * no data, and the ledger records the refusal. Counting the actual result (rather than reserving an
 * estimate from `first` arguments before executing) never refuses a request that would have fitted,
 * and parallel requests at any number of instances can together never receive more than the limit.
 * Once the day is used up, the gate refuses before anything executes.
 *
 * The take happens in `executionDidEnd`, which Apollo awaits before any `willSendResponse`: the
 * ledger (audit plugin) then sees the refusal, not the withheld data.
 */
export function createUsagePlugin(options: UsagePluginOptions): ApolloServerPlugin<GatewayContext> {
  const now = options.now ?? Date.now;
  return {
    async requestDidStart() {
      return {
        async executionDidStart(rc) {
          const principal = rc.contextValue.principal;
          const limit = rc.contextValue.recordsPerDay;
          if (principal.kind !== "agreement") return;
          return {
            async executionDidEnd() {
              await holdToQuota(rc, principal.agreementId, limit ?? 0, options, now());
            },
          };
        },
      };
    },
  };
}

async function holdToQuota(
  rc: GraphQLRequestContextExecutionDidStart<GatewayContext>,
  agreementId: string,
  limit: number,
  options: UsagePluginOptions,
  at: number,
): Promise<void> {
  const body = rc.response.body;
  // The gateway returns single results only; anything else cannot be counted, so it is not sent.
  const records = body?.kind === "single" ? countRecords(body.singleResult.data) : Number.POSITIVE_INFINITY;
  if (records === 0) return;
  const day = windowOf(agreementId, "records", at);
  try {
    const take = Number.isFinite(records) ? await options.quota.take(day, records, limit) : undefined;
    if (take?.kind === "taken") return;
    const left = Math.max(0, limit - (take?.used ?? limit));
    withhold(rc, 429, ErrorCode.QUOTA_EXCEEDED, `This response carries ${records} records; ${left} of the agreement's ${limit} records for today remain.`, {
      "retry-after": String(secondsUntilEnd(day, at)),
    });
  } catch (error) {
    rc.contextValue.log.error("quota store unavailable: withholding the response", { error: String(error) });
    withhold(rc, 503, ErrorCode.INTERNAL_SERVER_ERROR, "Usage cannot be counted right now, so nothing is sent. Try again later.");
  }
}

/** Replaces the response with one error and no data; nobody's data was sent, so no subjects either. */
function withhold(
  rc: GraphQLRequestContextExecutionDidStart<GatewayContext>,
  status: number,
  code: ErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  rc.response.http.status = status;
  for (const [name, value] of Object.entries(headers)) rc.response.http.headers.set(name, value);
  rc.response.body = { kind: "single", singleResult: { errors: [{ message, extensions: { code } }] } };
  delete rc.contextValue.subjects;
}
