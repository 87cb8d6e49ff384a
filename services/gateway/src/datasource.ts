import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import { GraphQLError, Kind, parse, type OperationDefinitionNode } from "graphql";
import { ErrorCode, clientError, injectTraceContext, subgraphFetchDuration, takeSubjects, type InternalTokenSigner } from "@citygraph/core";
import type { GatewayContext } from "./context.ts";
import { createSubgraphFetcher } from "./subgraph-fetcher.ts";

type SubgraphResponseOptions = Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>["didReceiveResponse"]>>[0];
type SubgraphResponse = SubgraphResponseOptions["response"];
type ProcessOptions = Parameters<RemoteGraphQLDataSource<GatewayContext>["process"]>[0];

/**
 * How the gateway talks to a subgraph: undici's request over a keep-alive pool
 * (`createSubgraphFetcher`), a per-request timeout, the request id
 * forwarded so one id follows a request through every service's logs, and a short-lived token
 * for this subgraph and this one operation alone (used once, within seconds) that carries the
 * caller's grants. Each response's data subjects
 * (`extensions.citygraph.subjects`: whose personal data the subgraph returned) are added to the
 * request's `context.subjects` and removed from the response. A subgraph that cannot be reached,
 * refuses, or does not answer in time becomes a SUBGRAPH_UNAVAILABLE / SUBGRAPH_TIMEOUT error naming
 * it and the path where its data is missing; the other subgraphs' data is still returned.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    private readonly subgraphName: string,
    url: string,
    timeoutMs: number,
    private readonly sign: InternalTokenSigner,
  ) {
    const fetcher = createSubgraphFetcher({ url, timeoutMs });
    super({
      url,
      fetcher: async (input, init) => {
        const started = performance.now();
        let outcome = "error";
        try {
          const response = await fetcher.fetch(input, init);
          outcome = response.ok ? "ok" : "error";
          return response;
        } catch (error) {
          if ((error as Error | null)?.name === "TimeoutError") outcome = "timeout";
          throw error;
        } finally {
          subgraphFetchDuration.observe({ subgraph: subgraphName, outcome }, (performance.now() - started) / 1000);
        }
      },
    });
    this.close = fetcher.close;
  }

  /** Closes the keep-alive connections to the subgraph (with the gateway). */
  readonly close: () => Promise<void>;

  override async willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<void> {
    // Every subgraph request happens on behalf of a client request; there are no others.
    if (!context || !("principal" in context)) throw new Error("subgraph request without a gateway context");
    request.http?.headers.set("x-request-id", context.requestId);
    // Called inside @apollo/gateway's fetch span: the subgraph's spans become its children.
    injectTraceContext((name, value) => request.http?.headers.set(name, value));
    // Signed over the request as it will be serialised (document, operation name, variables,
    // extensions): the subgraph recomputes the hash from the body it receives.
    const token = await this.sign(context.principal, this.subgraphName, context.requestId, request);
    request.http?.headers.set("authorization", `Bearer ${token}`);
  }

  override async process(options: ProcessOptions): ReturnType<RemoteGraphQLDataSource<GatewayContext>["process"]> {
    try {
      return await super.process(options);
    } catch (error) {
      if (!(error instanceof SubgraphFailure)) throw error;
      const context = options.context as Partial<GatewayContext>;
      (context.failedSubgraphs ??= new Set()).add(this.subgraphName);
      // The cause (connection refused, HTTP status, timeout) is for the operator, not the client.
      context.log?.warn("subgraph failed", { subgraph: this.subgraphName, code: error.code, cause: error.detail });
      const path = errorPath(options);
      const where = path.length ? ` at ${path.join(".")}` : "";
      throw clientError(
        error.code,
        error.code === ErrorCode.SUBGRAPH_TIMEOUT
          ? `The ${this.subgraphName} subgraph did not answer in time; its data${where} is missing.`
          : `The ${this.subgraphName} subgraph is unavailable; its data${where} is missing.`,
        { extensions: { subgraph: this.subgraphName }, path },
      );
    }
  }

  /** Called by Apollo for failures of the HTTP exchange itself (never for GraphQL errors in a 200). */
  override didEncounterError(error: Error): void {
    const timedOut = error.name === "TimeoutError" || error.name === "AbortError";
    throw new SubgraphFailure(timedOut ? ErrorCode.SUBGRAPH_TIMEOUT : ErrorCode.SUBGRAPH_UNAVAILABLE, describeFailure(error));
  }

  override didReceiveResponse({ response, context }: SubgraphResponseOptions): SubgraphResponse {
    const subjects = takeSubjects(response);
    if (subjects.length) {
      const collected = (context.subjects ??= new Set());
      for (const subject of subjects) collected.add(subject);
    }
    return response;
  }
}

/** A failed exchange with a subgraph, before it is given its path. */
class SubgraphFailure extends Error {
  constructor(
    readonly code: typeof ErrorCode.SUBGRAPH_UNAVAILABLE | typeof ErrorCode.SUBGRAPH_TIMEOUT,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** What went wrong, without the response body (which may hold data). */
function describeFailure(error: Error): string {
  if (error instanceof GraphQLError) {
    const status = (error.extensions.response as { status?: number } | undefined)?.status;
    if (status) return `HTTP ${status}`;
  }
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return [error.name, error.message, cause?.code ?? cause?.message].filter(Boolean).join(": ");
}

/**
 * Where the subgraph's data would have gone: the path of the entities it was asked to extend (up to
 * the first list), or for a root fetch the first field it was asked for.
 */
function errorPath(options: ProcessOptions): (string | number)[] {
  const inRequest = "pathInIncomingRequest" in options ? (options.pathInIncomingRequest ?? []) : [];
  const prefix: (string | number)[] = [];
  for (const key of inRequest) {
    if (key === "@") break;
    prefix.push(key);
  }
  if (prefix.length || !options.request.query) return prefix;
  try {
    const operation = parse(options.request.query).definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    const first = operation?.selectionSet.selections.find((s) => s.kind === Kind.FIELD);
    return first && first.kind === Kind.FIELD ? [(first.alias ?? first.name).value] : [];
  } catch {
    return [];
  }
}
