import {
  INVALID_SPAN_CONTEXT,
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Attributes,
  type Context,
  type Span,
} from "@opentelemetry/api";
import type { NodeTracerProvider, SpanProcessor } from "@opentelemetry/sdk-trace-node";
import type { IncomingHttpHeaders } from "node:http";

/**
 * Tracing with OpenTelemetry. Nothing here runs unless tracing was started: without a registered
 * provider the API hands out no-op spans, so instrumented code costs a few property reads.
 *
 * Spans carry coordinates, decisions, codes and counts — never a value a caller asked for.
 */
export const tracer = trace.getTracer("citygraph");

/** Options of {@link startTracing}. */
export interface TracingOptions {
  /** `service.name` of every span this process makes (e.g. `citygraph` or `gateway`). */
  serviceName: string;
  /**
   * Where spans go: an OTLP/HTTP endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`, e.g.
   * `http://127.0.0.1:4318`); `/v1/traces` is appended as the OTLP specification says.
   * Ignored when `processor` is given.
   */
  endpoint?: string;
  /** A span processor of the caller's (tests use an in-memory exporter). */
  processor?: SpanProcessor;
}

/** A started tracer provider; `shutdown` flushes what is buffered. */
export interface Tracing {
  shutdown(): Promise<void>;
}

let active: NodeTracerProvider | undefined;

/**
 * Registers a tracer provider for the whole process (W3C trace context, AsyncLocalStorage
 * context), exporting to `endpoint` or to `processor`. Idempotent per process: a second call
 * returns the provider already running.
 *
 * The SDK and exporter load here, not with this module: tracing is off unless configured, and
 * every service process would otherwise pay for them at start-up.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing> {
  if (!active) {
    const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
      import("@opentelemetry/sdk-trace-node"),
      import("@opentelemetry/exporter-trace-otlp-http"),
      import("@opentelemetry/resources"),
    ]);
    // Another call may have registered one while these loaded: it is the process's provider.
    if (active) return startTracing(options);
    const processor =
      options.processor ?? new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(options.endpoint!) }));
    active = new NodeTracerProvider({
      resource: resourceFromAttributes({ "service.name": options.serviceName }),
      spanProcessors: [processor],
    });
    active.register();
  }
  const provider = active;
  return {
    shutdown: async () => {
      await provider.shutdown();
      if (active === provider) active = undefined;
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** Whether a tracer provider is registered (spans are then recorded). */
export function tracingEnabled(): boolean {
  return active !== undefined;
}

function tracesUrl(endpoint: string): string {
  return endpoint.endsWith("/v1/traces") ? endpoint : `${endpoint.replace(/\/$/, "")}/v1/traces`;
}

/**
 * Runs `work` in a new active span, ending it when `work` settles. A thrown error marks the span
 * failed with the error's GraphQL code (if any) — not its message, which may name a value.
 */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span) => Promise<T>, kind = SpanKind.INTERNAL): Promise<T> {
  if (!active) return work(trace.wrapSpanContext(INVALID_SPAN_CONTEXT));
  return tracer.startActiveSpan(name, { kind, attributes }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: codeOf(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The trace context a request arrived with (`traceparent`, `tracestate`), or the active one. */
export function contextFromHeaders(headers: IncomingHttpHeaders): Context {
  if (!active || !headers.traceparent) return context.active();
  return propagation.extract(context.active(), headers);
}

/** Adds the active span's `traceparent` to outgoing headers. */
export function injectTraceContext(set: (name: string, value: string) => void): void {
  if (!active) return;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) set(name, value);
}

/** The active trace id, for log lines; undefined when tracing is off or no span is active. */
export function activeTraceId(): string | undefined {
  if (!active) return undefined;
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && trace.isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

function codeOf(error: unknown): string {
  const code = (error as { extensions?: { code?: unknown } } | null)?.extensions?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "error";
}

export { SpanKind, context as traceContext };
