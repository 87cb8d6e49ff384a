/**
 * The baseline: a plain `@apollo/gateway` with Apollo's defaults, plus the one thing citygraph's
 * subgraphs demand of any caller, a gateway token.
 */
import { ApolloServer } from "@apollo/server";
import { withoutSecurityFeatures } from "../gateway/src/server.ts";
import { startStandaloneServer } from "@apollo/server/standalone";
import {
  ApolloGateway,
  RemoteGraphQLDataSource,
  type GraphQLDataSourceProcessOptions,
} from "@apollo/gateway";
import type { JWK } from "jose";
import { createInternalTokenSigner, INTERNAL_TOKEN_TTL_SECONDS, type Principal } from "@citygraph/core";

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
 * Apollo's default fetcher and carry a token signed ahead of time and renewed in the background,
 * so signing (which citygraph's gateway does per request) costs the baseline nothing on the request
 * path: the comparison charges citygraph for it.
 */
export async function startBaselineGateway(options: BaselineGatewayOptions): Promise<BaselineGateway> {
  const sign = await createInternalTokenSigner(options.signingKey);
  const tokens = new Map<string, string>();
  const renew = async () => {
    for (const name of Object.keys(options.subgraphUrls))
      tokens.set(name, await sign(options.principal, name, "bench-baseline"));
  };
  await renew();
  // Renew at half the lifetime, so a token in flight never expires.
  const renewal = setInterval(
    () => void renew().catch(() => undefined),
    (INTERNAL_TOKEN_TTL_SECONDS * 1000) / 2,
  );
  renewal.unref();

  const server = new ApolloServer({
    gateway: new ApolloGateway({
      // Plain Apollo refuses SECURITY features it cannot enforce; citygraph's gateway does the same
      // transformation before planning, so both plan over the same supergraph.
      supergraphSdl: withoutSecurityFeatures(options.supergraphSdl),
      buildService: ({ name }) => new TokenDataSource(options.subgraphUrls[name]!, () => tokens.get(name)),
    }),
  });
  try {
    const { url } = await startStandaloneServer(server, { listen: { port: 0, host: "127.0.0.1" } });
    return {
      url,
      stop: async () => {
        clearInterval(renewal);
        await server.stop();
      },
    };
  } catch (error) {
    clearInterval(renewal);
    throw error;
  }
}

/** Apollo's `RemoteGraphQLDataSource` (default fetcher) adding a ready-made bearer token. */
class TokenDataSource extends RemoteGraphQLDataSource {
  constructor(
    url: string,
    private readonly token: () => string | undefined,
  ) {
    super({ url });
  }

  override willSendRequest({ request }: GraphQLDataSourceProcessOptions): void {
    const token = this.token();
    if (token) request.http?.headers.set("authorization", `Bearer ${token}`);
  }
}
