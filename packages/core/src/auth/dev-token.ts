import { SignJWT, importJWK, type JWK } from "jose";

/** Claims of a development token. */
export interface DevTokenClaims {
  subject: string;
  scopes: readonly string[];
  districts?: readonly string[];
  name?: string;
  org?: string;
  /** Lifetime, e.g. "1h", "15m". Default "1h". */
  ttl?: string;
  issuer?: string;
  audience?: string;
}

/** Signs a token with the local development identity provider's key (`citygraph token`, tests). */
export async function signDevToken(privateJwk: JWK, claims: DevTokenClaims): Promise<string> {
  const key = (await importJWK(privateJwk, privateJwk.alg ?? "ES256"));
  const jwt = new SignJWT({
    scope: claims.scopes.join(" "),
    ...(claims.districts ? { districts: [...claims.districts] } : {}),
    ...(claims.name ? { name: claims.name } : {}),
    ...(claims.org ? { org: claims.org } : {}),
  })
    .setProtectedHeader({ alg: privateJwk.alg ?? "ES256", kid: privateJwk.kid })
    .setSubject(claims.subject)
    .setIssuedAt()
    .setExpirationTime(claims.ttl ?? "1h");
  if (claims.issuer) jwt.setIssuer(claims.issuer);
  if (claims.audience) jwt.setAudience(claims.audience);
  return jwt.sign(key);
}
