import type { ApolloServerPlugin, BaseContext, GraphQLRequestContextWillSendResponse } from "@apollo/server";
import { SpanKind, context, trace, type Span } from "@opentelemetry/api";
import { refusalsTotal, requestDuration, requestsTotal, type RequestOutcome } from "./metrics.ts";
import { tracer, tracingEnabled } from "./tracing.ts";

/**
 * Metrics and spans for every GraphQL request of one service (gateway or subgraph): requests by
 * outcome and first error code, latency, refusals (errors without data), and — when tracing is
 * on — spans for parsing, validation, execution and each resolver that is not a plain property
 * read. Span attributes are coordinates, codes and counts, never values.
 */
export function createObservabilityPlugin<TContext extends BaseContext>(service: string): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      const traced = tracingEnabled();
      const phase = (name: string) => {
        if (!traced) return undefined;
        const span = tracer.startSpan(name);
        return async (error?: unknown) => {
          if (error) span.setAttribute("graphql.error", true);
          span.end();
        };
      };
      let execution: Span | undefined;
      return {
        async parsingDidStart() {
          return phase("graphql.parse");
        },
        async validationDidStart() {
          const end = phase("graphql.validate");
          return end ? async (errors) => end(errors?.length ? errors : undefined) : undefined;
        },
        async executionDidStart(rc) {
          if (!traced) return;
          execution = tracer.startSpan("graphql.execute", {
            attributes: { "graphql.operation.name": rc.operationName ?? "", "graphql.operation.type": rc.operation?.operation ?? "" },
          });
          return {
            willResolveField({ source, info }) {
              const field = info.parentType.getFields()[info.fieldName];
              // Property reads are not worth a span each (a 500-row list has thousands of them).
              // type-graphql gives every field a resolver (to run middlewares), so a field whose
              // value is already on its parent row counts as a property read too.
              if (!field?.resolve || info.parentType.name.startsWith("__") || readsOwnProperty(source, info.fieldName)) return;
              const coordinate = `${info.parentType.name}.${info.fieldName}`;
              const span = tracer.startSpan(
                `resolve ${coordinate}`,
                { kind: SpanKind.INTERNAL, attributes: { "graphql.field.coordinate": coordinate } },
                execution ? trace.setSpan(context.active(), execution) : undefined,
              );
              return (error) => {
                if (error) span.setAttribute("graphql.error", true);
                span.end();
              };
            },
          };
        },
        async willSendResponse(rc) {
          execution?.end();
          const { outcome, code } = outcomeOf(rc);
          requestsTotal.inc({ service, outcome, code });
          requestDuration.observe({ service, outcome }, (performance.now() - started) / 1000);
          if (outcome === "error" && code && code !== "INTERNAL_SERVER_ERROR") refusalsTotal.inc({ service, code });
        },
      };
    },
  };
}

function outcomeOf<TContext extends BaseContext>(rc: GraphQLRequestContextWillSendResponse<TContext>): {
  outcome: RequestOutcome;
  code: string;
} {
  const result = rc.response.body.kind === "single" ? rc.response.body.singleResult : undefined;
  const errors = result?.errors ?? rc.errors ?? [];
  const first = errors[0]?.extensions?.code;
  const code = typeof first === "string" ? first : errors.length ? "INTERNAL_SERVER_ERROR" : "";
  if (!errors.length) return { outcome: "ok", code };
  const hasData = result?.data !== undefined && result.data !== null;
  return { outcome: hasData ? "partial" : "error", code };
}

/** Whether a field's value is already its parent's own property (the row carries it). */
function readsOwnProperty(source: unknown, name: string): boolean {
  return typeof source === "object" && source !== null && Object.hasOwn(source, name);
}
