import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLError } from "graphql";
import type { GatewayContext } from "../context.ts";
import { LIMITS, type NormalizedOperationLimits } from "./budgets.ts";
import { countTokens, limitError, measureDocument } from "./measure.ts";

/** Options of {@link createOperationLimitsPlugin}. */
export interface OperationLimitsPluginOptions {
  limits: NormalizedOperationLimits;
  /** Told of every refusal (to record it in the ledger), before the error is sent. */
  onRefused?: (context: GatewayContext, error: GraphQLError) => void;
}

/**
 * Refuses a document over its caller's budget in `didResolveSource`: after the principal is
 * known and before Apollo parses or validates (graphql-js's own rules, e.g. overlapping-fields on
 * thousands of aliases, are super-linear; `validationRules` would run inside that same pass).
 * Every measure is linear in the document, and token counting stops at the budget, so any body
 * is judged in bounded time. The thrown error ends the request with HTTP 400; nothing executes.
 */
export function createOperationLimitsPlugin(options: OperationLimitsPluginOptions): ApolloServerPlugin<GatewayContext> {
  const { budgets, model } = options.limits;
  return {
    async requestDidStart() {
      return {
        async didResolveSource(rc) {
          const kind = rc.contextValue.principal.kind;
          const budget = budgets[kind];
          const refuse = (index: number, actual: number) => {
            const limit = LIMITS[index]!;
            const error = limitError(limit.code, budget[limit.key], actual, kind, limit.what);
            options.onRefused?.(rc.contextValue, error);
            throw error;
          };
          const tokens = countTokens(rc.source, budget.tokens);
          if (tokens === undefined) return; // a syntax error: Apollo's parse reports it, within the token budget
          if (tokens > budget.tokens) refuse(0, tokens);
          const measure = measureDocument(rc.source, tokens, rc.schema, model, rc.request.variables);
          if (!measure) return;
          LIMITS.forEach(({ key }, index) => {
            if (measure[key] > budget[key]) refuse(index, measure[key]);
          });
        },
      };
    },
  };
}
