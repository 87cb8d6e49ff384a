import { SignJWT, importJWK, jwtVerify, errors, type JWK } from "jose";
import type { Principal } from "../context.ts";
import { ANONYMOUS } from "../context.ts";
import { grantSetOf } from "../policy/scopes.ts";
import { unauthenticated } from "./errors.ts";

/** The issuer of the tokens the gateway sends subgraphs. */
export const GATEWAY_ISSUER = "citygraph-gateway";
/** How long a gateway-to-subgraph token lives, seconds: one request, plus clock skew. */
export const INTERNAL_TOKEN_TTL_SECONDS = 60;

interface InternalClaims {
  kind: Principal["kind"];
  org?: string;
  scp: string[];
  pol: string[];
  dst?: string[];
  rid: string;
}

/**
 * Signs the gateway's tokens for subgraphs: the principal's effective grants and row scope, the
 * request id, bound to one subgraph as audience, valid for a minute. A subgraph trusts nothing else.
 */
export async function createInternalTokenSigner(privateJwk: JWK) {
  const key = (await importJWK(privateJwk, "ES256"));
  return (principal: Principal, audience: string, requestId: string): Promise<string> => {
    const claims: InternalClaims = {
      kind: principal.kind,
      scp: principal.kind === "user" ? [...principal.scopes] : [],
      pol: [...principal.grants.policies],
      rid: requestId,
    };
    if (principal.kind === "user") {
      claims.org = principal.org;
      if (principal.districts) claims.dst = [...principal.districts];
    }
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience(audience)
      .setSubject(principal.kind === "user" ? principal.subject : "anonymous")
      .setIssuedAt()
      .setExpirationTime(`${INTERNAL_TOKEN_TTL_SECONDS}s`)
      .sign(key);
  };
}

/**
 * Verifies gateway tokens in a subgraph. Missing, forged, expired or other-audience tokens are 401:
 * a subgraph called directly, bypassing the gateway, serves nothing.
 */
export async function createInternalTokenVerifier(publicJwk: JWK, audience: string) {
  const key = (await importJWK(publicJwk, "ES256"));
  return async (authorization: string | undefined): Promise<{ principal: Principal; requestId: string }> => {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) throw unauthenticated("Subgraphs answer only the gateway: a gateway token is required.");
    try {
      const { payload } = await jwtVerify<InternalClaims>(match[1]!, key, {
        algorithms: ["ES256"],
        issuer: GATEWAY_ISSUER,
        audience,
        clockTolerance: 5,
      });
      const scopes = Array.isArray(payload.scp) ? payload.scp : [];
      const grants = grantSetOf(scopes, Array.isArray(payload.pol) ? payload.pol : []);
      const principal: Principal =
        payload.kind === "user"
          ? { kind: "user", subject: String(payload.sub), org: payload.org, scopes, districts: payload.dst, grants }
          : ANONYMOUS;
      return { principal, requestId: String(payload.rid ?? "") };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated("The gateway token has expired.");
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === "aud") {
        throw unauthenticated("The gateway token was issued for another subgraph.");
      }
      throw unauthenticated("The gateway token does not verify.");
    }
  };
}
