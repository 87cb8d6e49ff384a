import {
  SUBGRAPH_NAMES,
  generateEs256,
  loadRolePolicy,
  signDevToken,
  createInternalTokenSigner,
  deriveSubgraphTokenKey,
  ANONYMOUS,
  grantSetOf,
  type DevTokenClaims,
  type KeyPairJwk,
  type InternalTokenSigner,
  type Principal,
  type SubgraphOperation,
} from "@citygraph/core";
import { policyFilePath, type SecurityConfig } from "@citygraph/platform";

/** Test keys: a local identity provider and a gateway key pair, made once per test process. */
export interface TestSecurity extends SecurityConfig {
  devIdentityProvider: KeyPairJwk;
}

let security: Promise<TestSecurity> | undefined;

/** The security configuration every in-process stack of this test file shares. */
export function testSecurity(): Promise<TestSecurity> {
  security ??= (async () => {
    const [identityProvider, gateway] = await Promise.all([generateEs256(), generateEs256()]);
    return {
      identity: { keys: { kind: "jwks", jwks: { keys: [identityProvider.publicJwk] } } },
      roles: loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES),
      gatewayKeys: gateway,
      devIdentityProvider: identityProvider,
      permissions: { mode: "reject", allowPerRequestMode: true },
      subgraphTokenTtlSeconds: 10,
    } satisfies TestSecurity;
  })();
  return security;
}

/** Every owner's sensitive scope: a principal that may read everything, for functional tests. */
export const ALL_SCOPES: readonly string[] = SUBGRAPH_NAMES.map((name) => `${name}:sensitive`);

/** An identity-provider token for the given claims (subject defaults to "tester"). */
export async function tokenFor(claims: Partial<DevTokenClaims> & { scopes: readonly string[] }): Promise<string> {
  const { devIdentityProvider } = await testSecurity();
  return signDevToken(devIdentityProvider.privateJwk, { subject: "tester", ...claims });
}

/** `{ authorization: "Bearer …" }` for a caller with these scopes. */
export async function bearer(scopes: readonly string[], districts?: readonly string[]): Promise<Record<string, string>> {
  return { authorization: `Bearer ${await tokenFor({ scopes, districts })}` };
}

/** The signer the test gateway key gives, as the gateway builds it. */
export async function testTokenSigner(ttlSeconds?: number): Promise<InternalTokenSigner> {
  return createInternalTokenSigner({ gatewayKey: (await testSecurity()).gatewayKeys.privateJwk, ttlSeconds });
}

/** The HS256 key `subgraph` verifies the test gateway's tokens with. */
export async function testSubgraphTokenKey(subgraph: string): Promise<Uint8Array> {
  return deriveSubgraphTokenKey((await testSecurity()).gatewayKeys.privateJwk, subgraph);
}

/** The principal the test helpers speak for: a user with `scopes`, or anonymous for `null`. */
export function testPrincipal(scopes: readonly string[] | null = ALL_SCOPES, districts?: readonly string[]): Principal {
  return scopes === null ? ANONYMOUS : { kind: "user", subject: "tester", scopes, districts, grants: grantSetOf(scopes) };
}

/**
 * A caller of a subgraph as the gateway presents it: every request it sends gets a fresh token,
 * bound to that request's body and used once (a token cannot be reused across requests).
 */
export class GatewayCaller {
  constructor(
    readonly subgraph: string,
    readonly principal: Principal,
  ) {}

  /** `{ authorization: "Bearer …" }` for exactly this operation. */
  async headersFor(operation: SubgraphOperation): Promise<Record<string, string>> {
    const sign = await testTokenSigner();
    return { authorization: `Bearer ${await sign(this.principal, this.subgraph, "test-request", operation)}` };
  }
}

/** A {@link GatewayCaller} for a user with `scopes` (default: every scope), or anonymous with `scopes: null`. */
export function gatewayCaller(
  subgraph: string,
  scopes: readonly string[] | null = ALL_SCOPES,
  districts?: readonly string[],
): GatewayCaller {
  return new GatewayCaller(subgraph, testPrincipal(scopes, districts));
}

/**
 * Headers a subgraph accepts for one request: a gateway token for `subgraph` and exactly the
 * `operation` the request body carries, as the gateway would sign it, for a user with `scopes`
 * (default: every scope) or for an anonymous caller with `scopes: null`.
 */
export async function gatewayHeaders(
  subgraph: string,
  operation: SubgraphOperation,
  scopes: readonly string[] | null = ALL_SCOPES,
  districts?: readonly string[],
): Promise<Record<string, string>> {
  return gatewayCaller(subgraph, scopes, districts).headersFor(operation);
}

/**
 * A gateway token for one subgraph and one `operation` naming a third party under an agreement
 * with these scopes and field list.
 */
export async function agreementGatewayHeaders(
  subgraph: string,
  operation: SubgraphOperation,
  scopes: readonly string[],
  allowedFields: readonly string[],
): Promise<Record<string, string>> {
  const principal: Principal = {
    kind: "agreement",
    subject: "cgk_testagreement",
    org: "org",
    agreementId: "00000000-0000-0000-0000-000000000001",
    purpose: "epidemic-prevention",
    scopes,
    allowedFields,
    grants: grantSetOf(scopes, [], allowedFields),
  };
  return new GatewayCaller(subgraph, principal).headersFor(operation);
}
