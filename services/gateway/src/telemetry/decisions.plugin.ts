import type { ApolloServerPlugin } from "@apollo/server";
import { fieldDecisionsTotal, planDuration } from "@citygraph/core";
import type { GatewayContext } from "../context.ts";
import { accessOf } from "../permissions/index.ts";

/** Options of {@link createDecisionMetricsPlugin}. */
export interface DecisionMetricsOptions {
  /** The owning subgraph of each field coordinate (from the supergraph's `@classified`). */
  ownerOf: (coordinate: string) => string | undefined;
}

/**
 * The gateway's own metrics per request: the permission layer's decision for every coordinate
 * (by owner and access: full, masked, denied), and how long finding the query plan took (from
 * the start of execution to the plan, reported by @apollo/gateway's `didResolveQueryPlan`).
 */
export function createDecisionMetricsPlugin(options: DecisionMetricsOptions): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async executionDidStart(rc) {
          rc.contextValue.planStartedAt = performance.now();
        },
        async willSendResponse(rc) {
          for (const { coordinate, decision } of accessOf(rc.contextValue)?.fields ?? []) {
            fieldDecisionsTotal.inc({ owner: options.ownerOf(coordinate) ?? "unknown", access: decision });
          }
        },
      };
    },
  };
}

/** For `ApolloGateway`'s `experimental_didResolveQueryPlan`: observes the plan's latency. */
export function observePlan(context: Partial<GatewayContext> | undefined): void {
  if (context?.planStartedAt !== undefined) planDuration.observe((performance.now() - context.planStartedAt) / 1000);
}
