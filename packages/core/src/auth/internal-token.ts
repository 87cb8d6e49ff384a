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
  /** Agreement principals: the agreement, declared purpose and field list. */
  agr?: string;
  pur?: string;
  fld?: string[];
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
      scp: principal.kind === "anonymous" ? [] : [...principal.scopes],
      pol: [...principal.grants.policies],
      rid: requestId,
    };
    if (principal.kind !== "anonymous") {
      claims.org = principal.org;
      if (principal.districts) claims.dst = [...principal.districts];
    }
    if (principal.kind === "agreement") {
      claims.agr = principal.agreementId;
      claims.pur = principal.purpose;
      if (principal.allowedFields) claims.fld = [...principal.allowedFields];
    }
    return new SignJWT({ ...claims })
      .setProtectedHeader({ alg: "ES256", kid: privateJwk.kid })
      .setIssuer(GATEWAY_ISSUER)
      .setAudience(audience)
      .setSubject(principal.kind === "anonymous" ? "anonymous" : principal.subject)
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
      const policies = Array.isArray(payload.pol) ? payload.pol : [];
      const fields = Array.isArray(payload.fld) ? payload.fld : undefined;
      const grants = grantSetOf(scopes, policies, fields);
      let principal: Principal = ANONYMOUS;
      if (payload.kind === "user") {
        principal = { kind: "user", subject: String(payload.sub), org: payload.org, scopes, districts: payload.dst, grants };
      } else if (payload.kind === "agreement") {
        principal = {
          kind: "agreement",
          subject: String(payload.sub),
          org: String(payload.org ?? ""),
          agreementId: String(payload.agr ?? ""),
          purpose: String(payload.pur ?? ""),
          scopes,
          districts: payload.dst,
          allowedFields: fields,
          grants,
        };
      }
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
