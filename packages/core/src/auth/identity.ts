import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from "jose";
import { findDistrict } from "../districts.ts";
import type { Principal } from "../context.ts";
import { ANONYMOUS } from "../context.ts";
import { expandRoles, type RolePolicy } from "../policy/roles.ts";
import { grantSetOf, scopeProblem } from "../policy/scopes.ts";
import { unauthenticated } from "./errors.ts";
import { assertWellFormedClaims } from "./claims.ts";
import { StartupError } from "../errors.ts";
import { BoundedCache } from "../bounded-cache.ts";

/** How many verified bearer tokens a gateway process remembers. */
const REMEMBERED_TOKENS = 2_000;
/**
 * Longest a verified token is taken on trust without checking its signature again, milliseconds:
 * a key the identity provider withdraws from its JWKS stops being honoured within this long (the
 * remote key set itself is refetched at most every 10 minutes).
 */
const REMEMBER_TOKEN_MS = 60_000;

/** Where the identity provider's public keys come from. */
export type KeySource = { kind: "jwks"; jwks: JSONWebKeySet } | { kind: "url"; url: URL };

/** Options of {@link createIdentityVerifier}. */
export interface IdentityVerifierOptions {
  keys: KeySource;
  /** Required `iss`, if set. */
  issuer?: string;
  /** Required `aud`, if set. */
  audience?: string;
  roles: RolePolicy;
  /** Subgraph names, the owners scopes may name. */
  owners: readonly string[];
  /** Refuse requests without a token (otherwise they are anonymous: PUBLIC fields only). Default false. */
  requireAuthentication?: boolean;
  /** Leeway for `exp`/`nbf`, seconds. Default 30. */
  clockToleranceSeconds?: number;
  /**
   * Longest a token may live (`exp - iat`) and longest since its `iat`, seconds
   * (`CITYGRAPH_MAX_TOKEN_AGE`). Default 12 h. Tokens without `iat` are refused.
   */
  maxTokenAgeSeconds?: number;
}

/** The claims citygraph reads from an identity token. */
export interface IdentityClaims extends JWTPayload {
  name?: string;
  org?: string;
  /** Space-separated scopes and `role:<name>` entries. */
  scope?: string;
  /** District codes bounding the rows this principal sees. */
  districts?: string[] | string;
}

/**
 * Verifies the bearer tokens of department developers and officials (ES256/RS256 JWTs from the
 * city's identity provider) and turns them into principals. Every rejection is a 401 with a
 * message that says what was wrong with the token, never a guess at a fix that would weaken it.
 */
export function createIdentityVerifier(options: IdentityVerifierOptions) {
  const maxAge = options.maxTokenAgeSeconds ?? 12 * 3600;
  if (!Number.isSafeInteger(maxAge) || maxAge < 1) {
    throw new StartupError(`The maximum token age must be a whole number of seconds above 0 (CITYGRAPH_MAX_TOKEN_AGE; got ${maxAge}).`);
  }
  const keySet =
    options.keys.kind === "jwks"
      ? createLocalJWKSet(options.keys.jwks)
      : createRemoteJWKSet(options.keys.url, { cooldownDuration: 30_000, cacheMaxAge: 600_000 });
  const tolerance = options.clockToleranceSeconds ?? 30;
  // A caller sends the same token with every request, and checking its ES256 signature again was
  // ~0.2-0.4 ms of the gateway's CPU per request. Only tokens that verified are remembered (the
  // cache cannot be filled with forgeries), each until the first moment `jwtVerify` would refuse
  // it (`exp` or the maximum age, with the tolerance) or REMEMBER_TOKEN_MS, whichever is sooner.
  const remembered = new BoundedCache<{ principal: Principal; untilMs: number }>(REMEMBERED_TOKENS);
  return async function verify(authorization: string | undefined): Promise<Principal> {
    if (!authorization) {
      if (options.requireAuthentication) throw unauthenticated("This gateway requires a bearer token.");
      return ANONYMOUS;
    }
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>".');
    const token = match[1]!;
    const known = remembered.get(token);
    if (known) {
      if (Date.now() < known.untilMs) return known.principal;
      remembered.delete(token);
    }
    let payload: IdentityClaims;
    try {
      ({ payload } = await jwtVerify<IdentityClaims>(token, keySet, {
        algorithms: ["ES256", "RS256"],
        issuer: options.issuer,
        audience: options.audience,
        clockTolerance: tolerance,
        // A token that never expires cannot be withdrawn: refuse it.
        requiredClaims: ["exp", "iat"],
        // Also refuses a token without `iat`, or one issued longer ago than that.
        maxTokenAge: maxAge,
      }));
    } catch (error) {
      if (error instanceof errors.JWTExpired && error.claim === "iat") {
        throw unauthenticated(`The bearer token was issued more than ${maxAge} s ago, longer than this platform accepts.`);
      }
      throw unauthenticated(describeJoseError(error));
    }
    // A token valid for years is a standing credential nobody can withdraw: refuse it however new.
    if (payload.exp! - payload.iat! > maxAge) {
      throw unauthenticated(`The bearer token lives longer (exp - iat) than the ${maxAge} s this platform accepts.`);
    }
    const principal = Object.freeze(principalOf(payload, options));
    // jose refuses once now >= exp + tolerance, or now - iat - tolerance > maxAge (seconds).
    const untilMs = Math.min((payload.exp! + tolerance) * 1000, (payload.iat! + maxAge + tolerance) * 1000, Date.now() + REMEMBER_TOKEN_MS);
    remembered.set(token, { principal, untilMs });
    return principal;
  };
}

function describeJoseError(error: unknown): string {
  if (error instanceof errors.JWTExpired) return "The bearer token has expired.";
  if (error instanceof errors.JWKSNoMatchingKey) return "The bearer token was signed by a key this gateway does not trust.";
  if (error instanceof errors.JWSSignatureVerificationFailed) return "The bearer token's signature does not verify.";
  if (error instanceof errors.JWTClaimValidationFailed) {
    return error.reason === "missing"
      ? `The bearer token has no "${error.claim}" claim.`
      : `The bearer token's "${error.claim}" claim is not acceptable.`;
  }
  if (error instanceof errors.JOSEAlgNotAllowed) return "The bearer token must be signed with ES256 or RS256.";
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid || error instanceof errors.JOSENotSupported) {
    return "The bearer token is not a well-formed JWT.";
  }
  return "The bearer token could not be verified.";
}

function principalOf(payload: IdentityClaims, options: IdentityVerifierOptions): Principal {
  assertWellFormedClaims(payload);
  if (typeof payload.sub !== "string" || !payload.sub) throw unauthenticated('The bearer token has no "sub" claim.');
  const requested = typeof payload.scope === "string" ? payload.scope.split(/\s+/).filter(Boolean) : [];
  const { scopes, policies, unknownRoles } = expandRoles(requested, options.roles);
  if (unknownRoles.length) throw unauthenticated(`The bearer token names unknown roles: ${unknownRoles.join(", ")}.`);
  const bad = scopes.map((s) => scopeProblem(s, options.owners)).filter((p): p is string => p !== null);
  if (bad.length) throw unauthenticated(`The bearer token has malformed scopes: ${bad.join("; ")}.`);
  let districts: string[] | undefined;
  if (payload.districts !== undefined) {
    districts = Array.isArray(payload.districts) ? payload.districts : String(payload.districts).split(",");
    const unknown = districts.filter((d) => typeof d !== "string" || !findDistrict(d));
    if (unknown.length || districts.length === 0) {
      throw unauthenticated('The bearer token\'s "districts" claim must list district codes of Zhengzhou.');
    }
  }
  return {
    kind: "user",
    subject: payload.sub,
    org: typeof payload.org === "string" ? payload.org : undefined,
    scopes,
    districts,
    grants: grantSetOf(scopes, policies),
  };
}
