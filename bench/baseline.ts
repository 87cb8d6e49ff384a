/**
 * The baseline: a plain `@apollo/gateway` with Apollo's defaults, plus the one thing citygraph's
 * subgraphs demand of any caller, a gateway token.
 */
import { ApolloServer } from "@apollo/server";
import { withoutSecurityFeatures } from "@citygraph/gateway";
import { startStandaloneServer } from "@apollo/server/standalone";
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from "@apollo/gateway";
import type { JWK } from "jose";
import { createInternalTokenSigner, type Principal, type SubgraphOperation } from "@citygraph/core";

/** Options of {@link startBaselineGateway}. */
export interface BaselineGatewayOptions {
  /** The same supergraph citygraph's gateway serves. */
  supergraphSdl: string;
  /** Where each subgraph of the supergraph listens, by subgraph name. */
  subgraphUrls: Record<string, string>;
  /** The gateway's private signing key (the subgraphs trust its public half). */
  signingKey: JWK;
  /** Whom the subgraph tokens speak for: the caller citygraph's gateway sees, so both get the same data. */
  principal: Principal;
}

/** A listening baseline gateway. */
export interface BaselineGateway {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the baseline with `startStandaloneServer` on a free port. Its subgraph requests go through
 * Apollo's default fetcher and carry a token signed per request (subgraphs accept each token once,
 * for the one operation it names), as citygraph's gateway does: signing costs both the same.
 */
export async function startBaselineGateway(options: BaselineGatewayOptions): Promise<BaselineGateway> {
  const sign = createInternalTokenSigner({ gatewayKey: options.signingKey });

  const server = new ApolloServer({
    gateway: new ApolloGateway({
      // Plain Apollo refuses SECURITY features it cannot enforce; citygraph's gateway does the same
      // transformation before planning, so both plan over the same supergraph.
      supergraphSdl: withoutSecurityFeatures(options.supergraphSdl),
      buildService: ({ name }) =>
        new TokenDataSource(options.subgraphUrls[name]!, (operation) => sign(options.principal, name, "bench-baseline", operation)),
    }),
  });
  const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
  return { url, stop: () => server.stop() };
}

/** Apollo's `RemoteGraphQLDataSource` (default fetcher) adding a token for each request. */
class TokenDataSource extends RemoteGraphQLDataSource {
  constructor(
    url: string,
    private readonly token: (operation: SubgraphOperation) => Promise<string>,
  ) {
    super({ url });
  }

  override async willSendRequest({ request }: GraphQLDataSourceProcessOptions): Promise<void> {
    request.http?.headers.set("authorization", `Bearer ${await this.token(request)}`);
  }
}
