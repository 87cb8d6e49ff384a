import { RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from "@apollo/gateway";
import type { GatewayContext } from "./context.ts";

/**
 * How the gateway talks to a subgraph: Node's built-in fetch (pooled keep-alive connections,
 * measurably faster than Apollo's default fetcher), a per-request timeout, and the request id
 * forwarded so one id follows a request through every service's logs.
 */
export class SubgraphDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(url: string, timeoutMs: number) {
    super({
      url,
      fetcher: ((input: string, init?: RequestInit) =>
        fetch(input, { ...init, signal: AbortSignal.timeout(timeoutMs) })) as never,
    });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>): void {
    if (context && "requestId" in context && context.requestId) {
      request.http?.headers.set("x-request-id", context.requestId);
    }
  }
}
