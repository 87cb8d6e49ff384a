import { createHash, createHmac, createSecretKey, hkdfSync, randomUUID, timingSafeEqual, type KeyObject } from "node:crypto";
import { base64url, type JWK } from "jose";
import type { Principal } from "../context.ts";
import { ANONYMOUS } from "../context.ts";
import { grantSetOf } from "../policy/scopes.ts";
import { StartupError } from "../errors.ts";
import type { ReplayCache } from "./replay-cache.ts";

/** The issuer of the tokens the gateway sends subgraphs. */
export const GATEWAY_ISSUER = "citygraph-gateway";
/** Default lifetime of a gateway-to-subgraph token, seconds: one subgraph fetch, plus transit. */
export const INTERNAL_TOKEN_TTL_SECONDS = 10;
/** Longest lifetime a gateway may give its tokens (and a subgraph accept), seconds. */
export const INTERNAL_TOKEN_MAX_TTL_SECONDS = 60;
/**
 * Clock skew a subgraph tolerates between its clock and the gateway's, seconds: a token is accepted
 * up to this long after its `exp` (and with an `iat` this far in the future).
 */
export const INTERNAL_TOKEN_CLOCK_TOLERANCE_SECONDS = 5;

/**
 * The subgraph operation a token is good for: exactly what the gateway POSTs (and the subgraph
 * reads back from the body it received).
 */
export interface SubgraphOperation {
  query?: unknown;
  operationName?: unknown;
  variables?: unknown;
  extensions?: unknown;
}

/**
 * The `op` claim: SHA-256 (base64url) of the operation's document, operation name, variables and
 * extensions. Both sides hash JSON.stringify of the same values — the gateway of the objects it
 * serialises into the body, the subgraph of what JSON.parse made of that body — and that round trip
 * is exact (key order included), so no canonical-JSON library is needed; a body altered in
 * transit, even by key order, no longer matches and is refused (fail closed).
 */
export function operationHash(operation: SubgraphOperation): string {
  const tuple = [operation.query ?? null, operation.operationName ?? null, operation.variables ?? null, operation.extensions ?? null];
  return createHash("sha256").update(JSON.stringify(tuple)).digest("base64url");
}

/**
 * The HS256 key of one subgraph's tokens: HKDF-SHA256 of the gateway's private key (`d` of its
 * ES256 JWK) with the subgraph's name as info. The gateway derives every subgraph's key; a subgraph
 * holds only its own, so it can verify tokens for itself but mint none for another subgraph.
 * (HMAC rather than ES256 per fetch: a signature plus a verification cost ~0.3-0.4 ms here against
 * ~0.1 ms; README § Enforcement.)
 */
export function deriveSubgraphTokenKey(gatewayPrivateJwk: JWK, subgraph: string): Uint8Array {
  if (!gatewayPrivateJwk.d) throw new StartupError("The gateway key must be a private JWK (with d) to derive subgraph token keys.");
  return new Uint8Array(hkdfSync("sha256", base64url.decode(gatewayPrivateJwk.d), "citygraph/subgraph-token/v1", subgraph, 32));
}

/** A subgraph token key as a JWK (`kty: "oct"`), the form `CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE` holds. */
export function subgraphTokenKeyJwk(key: Uint8Array, subgraph: string): JWK {
  return { kty: "oct", k: base64url.encode(key), alg: "HS256", kid: `subgraph-token:${subgraph}` };
}

/** Reads a subgraph token key back from its JWK, failing start-up when it is not one. */
export function subgraphTokenKeyFromJwk(jwk: JWK, source: string): Uint8Array {
  const key = jwk.kty === "oct" && typeof jwk.k === "string" ? base64url.decode(jwk.k) : undefined;
  if (!key || key.length < 32) {
    throw new StartupError(`${source} must hold an HS256 JWK ({"kty":"oct","k":…} of at least 32 bytes), as "citygraph token-key <subgraph>" prints.`);
  }
  return key;
}

interface InternalClaims {
  kind: Principal["kind"];
  org?: string;
  scp: string[];
  pol: string[];
  dst?: string[];
  rid: string;
  /** {@link operationHash} of the one operation this token may run. */
  op: string;
  /** Agreement principals: the agreement, declared purpose and field list. */
  agr?: string;
  pur?: string;
  fld?: string[];
}

/** Options of {@link createInternalTokenSigner}. */
export interface InternalTokenSignerOptions {
  /** The gateway's private ES256 JWK; each subgraph's HS256 key is derived from it. */
  gatewayKey: JWK;
  /** Lifetime of a token, seconds (1 to {@link INTERNAL_TOKEN_MAX_TTL_SECONDS}). Default {@link INTERNAL_TOKEN_TTL_SECONDS}. */
  ttlSeconds?: number;
}

/** Signs one token for one subgraph operation. */
export type InternalTokenSigner = (principal: Principal, audience: string, requestId: string, operation: SubgraphOperation) => Promise<string>;

/**
 * Signs the gateway's tokens for subgraphs: the principal's effective grants and row scope, the
 * request id, bound to one subgraph (audience and key), one operation (`op`) and one use (`jti`),
 * valid for seconds. A subgraph trusts nothing else.
 */
export function createInternalTokenSigner(options: InternalTokenSignerOptions): InternalTokenSigner {
  const ttl = options.ttlSeconds ?? INTERNAL_TOKEN_TTL_SECONDS;
  assertInternalTokenTtl(ttl, "The gateway token lifetime");
  const keys = new Map<string, Uint8Array>();
  const keyOf = (audience: string) => {
    let key = keys.get(audience);
    if (!key) keys.set(audience, (key = deriveSubgraphTokenKey(options.gatewayKey, audience)));
    return key;
  };
  return (principal, audience, requestId, operation) => {
    const claims: InternalClaims = {
      kind: principal.kind,
      scp: principal.kind === "anonymous" ? [] : [...principal.scopes],
      pol: [...principal.grants.policies],
      rid: requestId,
      op: operationHash(operation),
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
    const now = Math.floor(Date.now() / 1000);
    const payload = {
      ...claims,
      iss: GATEWAY_ISSUER,
      aud: audience,
      sub: principal.kind === "anonymous" ? "anonymous" : principal.subject,
      jti: randomUUID(),
      iat: now,
      exp: now + ttl,
    };
    return Promise.resolve(signHs256(INTERNAL_TOKEN_HEADER, payload, keyOf(audience)));
  };
}

/** The protected header of every gateway token, encoded once. */
const INTERNAL_TOKEN_HEADER = Buffer.from(JSON.stringify({ alg: "HS256", typ: "citygraph-subgraph+jwt" })).toString("base64url");

/**
 * A compact HS256 JWS (RFC 7515) of `payload` under an encoded header. Written here rather than
 * with jose's SignJWT (the internal-token tests hold it to jose's SignJWT): jose 6 signs only through WebCrypto, whose
 * job machinery and per-call key import cost 0.1-0.3 ms a token on this machine, against a few
 * microseconds for node:crypto's HMAC; the gateway signs one per subgraph fetch, five for the
 * benchmark query. {@link verifyHs256} is its counterpart; the tests mint tokens with jose too.
 */
function signHs256(encodedHeader: string, payload: object, key: Uint8Array): string {
  const input = `${encodedHeader}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${input}.${createHmac("sha256", key).update(input).digest("base64url")}`;
}

type VerifiedClaims = InternalClaims & { jti?: unknown; iat: number; exp: number; sub?: string };

/**
 * Checks a gateway token as jose's `jwtVerify` did with `algorithms: ["HS256"]`, the issuer, this
 * audience, `iat`/`exp`/`jti`/`op` required, 5 s of clock tolerance and a 60 s maximum age, but
 * synchronously with node:crypto's HMAC: through WebCrypto, each verification was 5-7 % of a
 * subgraph's CPU under the benchmark query. The header must be exactly the one the signer writes,
 * so no algorithm, `crit` or `b64` choice is left to the token; the signature must be the one
 * canonical base64url spelling of the 32-byte MAC, compared in constant time.
 */
function verifyHs256(
  token: string,
  key: KeyObject,
  audience: string,
): { kind: "verified"; payload: VerifiedClaims } | { kind: "refused"; reason: "invalid" | "expired" | "other-audience" } {
  const invalid = { kind: "refused", reason: "invalid" } as const;
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== INTERNAL_TOKEN_HEADER) return invalid;
  const [header, encodedPayload, signature] = parts as [string, string, string];
  const given = Buffer.from(signature, "base64url");
  if (given.length !== 32 || given.toString("base64url") !== signature) return invalid;
  const expected = createHmac("sha256", key).update(`${header}.${encodedPayload}`).digest();
  if (!timingSafeEqual(given, expected)) return invalid;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(encodedPayload, "base64url").toString("utf8"));
  } catch {
    return invalid;
  }
  if (payload === null || typeof payload !== "object" || Array.isArray(payload)) return invalid;
  const claims = payload as Record<string, unknown>;
  if (claims.iss !== GATEWAY_ISSUER) return invalid;
  if (claims.aud !== audience) return { kind: "refused", reason: "other-audience" };
  const { iat, exp, nbf } = claims;
  if (typeof iat !== "number" || !Number.isFinite(iat) || typeof exp !== "number" || !Number.isFinite(exp)) return invalid;
  if (claims.jti === undefined || claims.op === undefined) return invalid;
  const now = Math.floor(Date.now() / 1000);
  const tolerance = INTERNAL_TOKEN_CLOCK_TOLERANCE_SECONDS;
  if (nbf !== undefined && (typeof nbf !== "number" || nbf > now + tolerance)) return invalid;
  if (exp <= now - tolerance) return { kind: "refused", reason: "expired" };
  if (iat > now + tolerance) return invalid; // issued in the future
  if (now - iat - tolerance > INTERNAL_TOKEN_MAX_TTL_SECONDS) return { kind: "refused", reason: "expired" };
  return { kind: "verified", payload: payload as VerifiedClaims };
}

/** Options of {@link createInternalTokenVerifier}. */
export interface InternalTokenVerifierOptions {
  /** This subgraph's HS256 key ({@link deriveSubgraphTokenKey}). */
  key: Uint8Array;
  /** This subgraph's name: the audience its tokens must name. */
  audience: string;
  /** Where used token ids are remembered, shared by every instance of this subgraph. */
  replay: ReplayCache;
}

/** Why a subgraph refused a request; logged (never a value) and named in the 401's message. */
export type InternalTokenRefusal =
  | "missing"
  | "invalid"
  | "expired"
  | "other-audience"
  | "lifetime"
  | "operation-mismatch"
  | "replayed"
  | "method";

/** A subgraph's verdict on one request's token. */
export type InternalTokenVerdict =
  | { kind: "accepted"; principal: Principal; requestId: string; tokenId: string }
  | { kind: "refused"; reason: InternalTokenRefusal; message: string; requestId?: string; tokenId?: string };

const MESSAGES: Record<InternalTokenRefusal, string> = {
  missing: "Subgraphs answer only the gateway: a gateway token is required.",
  invalid: "The gateway token does not verify.",
  expired: "The gateway token has expired.",
  "other-audience": "The gateway token was issued for another subgraph.",
  lifetime: `The gateway token lives longer than ${INTERNAL_TOKEN_MAX_TTL_SECONDS} s.`,
  "operation-mismatch": "The gateway token was issued for another operation.",
  replayed: "The gateway token has already been used.",
  method: "Subgraphs answer only the gateway's POST requests.",
};

/**
 * Verifies gateway tokens in a subgraph, against the request body it received. Missing, forged,
 * expired, other-audience, other-operation and already-used tokens are refused: a subgraph called
 * directly, or with a token captured in transit, serves nothing. The token id is claimed in the
 * replay cache only after everything else checked out, so a tampered copy racing the gateway
 * cannot burn the genuine request's token.
 */
export function createInternalTokenVerifier(options: InternalTokenVerifierOptions) {
  const refuse = (reason: InternalTokenRefusal, extra: { requestId?: string; tokenId?: string } = {}): InternalTokenVerdict => ({
    kind: "refused",
    reason,
    message: MESSAGES[reason],
    ...extra,
  });
  const key = createSecretKey(options.key);
  return async (authorization: string | undefined, method: string | undefined, body: unknown): Promise<InternalTokenVerdict> => {
    const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
    if (!match) return refuse("missing");
    if (method !== "POST") return refuse("method");
    const verified = verifyHs256(match[1]!, key, options.audience);
    if (verified.kind === "refused") return refuse(verified.reason);
    const { payload } = verified;
    const requestId = String(payload.rid ?? "");
    const tokenId = typeof payload.jti === "string" && payload.jti.length <= 64 ? payload.jti : undefined;
    if (!tokenId) return refuse("invalid", { requestId });
    if (payload.exp - payload.iat > INTERNAL_TOKEN_MAX_TTL_SECONDS) return refuse("lifetime", { requestId, tokenId });
    const operation = body !== null && typeof body === "object" && !Array.isArray(body) ? (body as SubgraphOperation) : {};
    if (payload.op !== operationHash(operation)) return refuse("operation-mismatch", { requestId, tokenId });
    const firstUse = await options.replay.claim(tokenId, (payload.exp + INTERNAL_TOKEN_CLOCK_TOLERANCE_SECONDS) * 1000);
    if (!firstUse) return refuse("replayed", { requestId, tokenId });
    return { kind: "accepted", principal: principalOf(payload), requestId, tokenId };
  };
}

function principalOf(payload: InternalClaims & { sub?: string }): Principal {
  const scopes = Array.isArray(payload.scp) ? payload.scp : [];
  const policies = Array.isArray(payload.pol) ? payload.pol : [];
  const fields = Array.isArray(payload.fld) ? payload.fld : undefined;
  const grants = grantSetOf(scopes, policies, fields);
  if (payload.kind === "user") {
    return { kind: "user", subject: String(payload.sub), org: payload.org, scopes, districts: payload.dst, grants };
  }
  if (payload.kind === "agreement") {
    return {
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
  return ANONYMOUS;
}

/** Fails start-up unless `ttl` is a whole number of seconds the subgraphs accept. */
export function assertInternalTokenTtl(ttl: number, what: string): void {
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > INTERNAL_TOKEN_MAX_TTL_SECONDS) {
    throw new StartupError(`${what} must be a whole number of seconds from 1 to ${INTERNAL_TOKEN_MAX_TTL_SECONDS} (got ${ttl}).`);
  }
}
