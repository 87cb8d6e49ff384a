import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK } from "jose";
import Provider, { interactionPolicy } from "oidc-provider";

/** An account of the test identity provider: who it is and what the city granted it. */
export interface OidcAccount {
  name: string;
  org?: string;
  /** Citygraph scopes and roles this person holds; the provider grants those the client asks for. */
  scopes: readonly string[];
  districts?: readonly string[];
}

/** A real OpenID Connect provider (`oidc-provider`) on a free port of this process. */
export interface TestOidcProvider {
  issuer: string;
  /** Audience (RFC 8707 resource) of the access tokens it issues for citygraph. */
  audience: string;
  clientId: string;
  /** Starts serving, with the console's redirect URI registered for the client (known once the gateway listens). */
  serve(redirectUri: string): void;
  close(): Promise<void>;
}

async function signingKey(alg: "ES256" | "RS256"): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return { ...(await exportJWK(privateKey)), alg, use: "sig", kid: `test-${alg.toLowerCase()}` };
}

/**
 * Starts the city's identity provider as the tests see it: authorization code + PKCE for the
 * console (a public client), access tokens as JWTs signed with `accessTokenAlg` carrying
 * citygraph's claims (sub, name, org, scope, districts). Login is oidc-provider's development
 * form (any password); the scopes a token carries are the account's, never more than requested.
 */
export async function startOidcProvider(
  accounts: Record<string, OidcAccount>,
  options: { accessTokenAlg?: "ES256" | "RS256"; audience?: string; clientId?: string } = {},
): Promise<TestOidcProvider> {
  const audience = options.audience ?? "https://citygraph.test/graphql";
  const clientId = options.clientId ?? "citygraph-console";
  let handler: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const server = createServer((req, res) => {
    if (handler) return handler(req, res);
    res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const keys = [await signingKey("ES256"), await signingKey("RS256")];
  const allScopes = [...new Set(Object.values(accounts).flatMap((a) => a.scopes))];

  // The consent prompt would ask for every requested scope the account lacks (and the development
  // consent form would grant them all); the city's provider grants what the account holds.
  const policy = interactionPolicy.base();
  policy.get("consent")!.checks.remove("rs_scopes_missing");

  return {
    issuer,
    audience,
    clientId,
    serve(redirectUri) {
      const provider = new Provider(issuer, {
        clients: [
          {
            client_id: clientId,
            token_endpoint_auth_method: "none",
            redirect_uris: [redirectUri],
            grant_types: ["authorization_code"],
            response_types: ["code"],
          },
        ],
        jwks: { keys },
        cookies: { keys: ["citygraph-test-cookie-key"] },
        pkce: { required: () => true },
        // Only OIDC scopes here: citygraph's are the resource server's (getResourceServerInfo).
        scopes: ["openid"],
        interactions: { policy },
        clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => new URL(uri).origin === origin) ?? false,
        features: {
          devInteractions: { enabled: true },
          resourceIndicators: {
            enabled: true,
            defaultResource: () => audience,
            useGrantedResource: () => true,
            getResourceServerInfo: (_ctx, resource) => {
              if (resource !== audience) throw new Error(`unknown resource ${resource}`);
              return {
                scope: allScopes.join(" "),
                audience,
                accessTokenTTL: 600,
                accessTokenFormat: "jwt",
                jwt: { sign: { alg: options.accessTokenAlg ?? "ES256" } },
              };
            },
          },
        },
        findAccount: (_ctx, id) =>
          accounts[id] ? { accountId: id, claims: () => ({ sub: id, name: accounts[id]!.name }) } : undefined,
        extraTokenClaims: (_ctx, token) => {
          const account = "accountId" in token && typeof token.accountId === "string" ? accounts[token.accountId] : undefined;
          if (!account) return undefined;
          return { name: account.name, ...(account.org ? { org: account.org } : {}), ...(account.districts ? { districts: [...account.districts] } : {}) };
        },
        loadExistingGrant: async (ctx) => {
          const accountId = ctx.oidc.session?.accountId;
          const account = accountId ? accounts[accountId] : undefined;
          if (!accountId || !account || !ctx.oidc.client) return undefined;
          const grant = new ctx.oidc.provider.Grant({ accountId, clientId: ctx.oidc.client.clientId });
          grant.addOIDCScope("openid");
          grant.addResourceScope(audience, account.scopes.join(" "));
          await grant.save();
          return grant;
        },
      });
      handler = provider.callback();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
