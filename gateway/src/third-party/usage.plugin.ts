import type { ApolloServerPlugin } from "@apollo/server";
import type { GatewayContext } from "../context.ts";
import { windowOf, type QuotaStore } from "../quota/index.ts";
import { countRecords } from "./gate.ts";

/**
 * Counts the records each third-party response carries against its agreement's daily quota
 * (the gate refuses the next request once the day's records are used up).
 */
export function createUsagePlugin(options: { quota: QuotaStore; now?: () => number }): ApolloServerPlugin<GatewayContext> {
  const now = options.now ?? Date.now;
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, response }) {
          const principal = contextValue.principal;
          if (principal.kind !== "agreement" || response.body.kind !== "single") return;
          const records = countRecords(response.body.singleResult.data);
          if (records > 0) await options.quota.add(windowOf(principal.agreementId, "records", now()), records);
        },
      };
    },
  };
}
