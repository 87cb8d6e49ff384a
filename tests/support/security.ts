import {
  SUBGRAPH_NAMES,
  generateEs256,
  loadRolePolicy,
  signDevToken,
  createInternalTokenSigner,
  ANONYMOUS,
  grantSetOf,
  type DevTokenClaims,
  type KeyPairJwk,
  type Principal,
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

/**
 * Headers a subgraph accepts: a gateway token for `subgraph`, as the gateway would sign it, for a
 * user with `scopes` (default: every scope) or for an anonymous caller with `scopes: null`.
 */
export async function gatewayHeaders(
  subgraph: string,
  scopes: readonly string[] | null = ALL_SCOPES,
  districts?: readonly string[],
): Promise<Record<string, string>> {
  const { gatewayKeys } = await testSecurity();
  const sign = await createInternalTokenSigner(gatewayKeys.privateJwk);
  const principal: Principal =
    scopes === null
      ? ANONYMOUS
      : { kind: "user", subject: "tester", scopes, districts, grants: grantSetOf(scopes) };
  return { authorization: `Bearer ${await sign(principal, subgraph, "test-request")}` };
}

/** A gateway token for one subgraph naming a third party under an agreement with these scopes and field list. */
export async function agreementGatewayHeaders(
  subgraph: string,
  scopes: readonly string[],
  allowedFields: readonly string[],
): Promise<Record<string, string>> {
  const { gatewayKeys } = await testSecurity();
  const sign = await createInternalTokenSigner(gatewayKeys.privateJwk);
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
  return { authorization: `Bearer ${await sign(principal, subgraph, "test-request")}` };
}
