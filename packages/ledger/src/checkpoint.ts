import { CompactSign, compactVerify, importJWK, type JWK } from "jose";
import { canonicalJson } from "./canonical-json.ts";

/** A signed statement that the chain's entry `seq` had hash `hash` at `signedAt`. */
export interface LedgerCheckpointStatement {
  /** The entry's sequence number (a bigint, as a decimal string). */
  seq: string;
  hash: string;
  /** ISO instant, millisecond precision. */
  signedAt: string;
}

/** What a checkpoint's JWS signs: the canonical JSON of its statement. */
export function checkpointPayload(statement: LedgerCheckpointStatement): string {
  return canonicalJson({ seq: statement.seq, hash: statement.hash, signedAt: statement.signedAt });
}

/** Returns a signer of checkpoints: compact JWS, ES256, with the key's `kid` in the header. */
export async function createCheckpointSigner(privateJwk: JWK) {
  if (!privateJwk.d || !privateJwk.kid) throw new TypeError("The ledger's signing key must be a private ES256 JWK with a kid.");
  const key = await importJWK(privateJwk, "ES256");
  const encoder = new TextEncoder();
  return (statement: LedgerCheckpointStatement): Promise<string> =>
    new CompactSign(encoder.encode(checkpointPayload(statement))).setProtectedHeader({ alg: "ES256", kid: privateJwk.kid }).sign(key);
}

/**
 * Returns a verifier of checkpoint signatures over one or more public keys (a rotated gateway key
 * keeps verifying old checkpoints while its public half is listed). Resolves to a problem, or null.
 */
export function createCheckpointVerifier(publicKeys: JWK | readonly JWK[]) {
  const jwks = Array.isArray(publicKeys) ? publicKeys : [publicKeys as JWK];
  const imported = new Map<string, Promise<CryptoKey | Uint8Array>>();
  const keyFor = (kid: string | undefined) => {
    const jwk = kid !== undefined ? jwks.find((k) => k.kid === kid) : jwks.length === 1 ? jwks[0] : undefined;
    if (!jwk) return undefined;
    const id = jwk.kid ?? "";
    let key = imported.get(id);
    if (!key) {
      const { d: _d, ...publicOnly } = jwk;
      key = importJWK(publicOnly, "ES256");
      imported.set(id, key);
    }
    return key;
  };
  const decoder = new TextDecoder();
  return async (statement: LedgerCheckpointStatement, signature: string): Promise<string | null> => {
    let kid: string | undefined;
    try {
      const header = JSON.parse(Buffer.from(signature.split(".")[0] ?? "", "base64url").toString("utf8")) as { kid?: unknown };
      kid = typeof header.kid === "string" ? header.kid : undefined;
    } catch {
      return "the signature is not a compact JWS";
    }
    const key = keyFor(kid);
    if (!key) return `the signature names a key (${kid ?? "no kid"}) that is not the gateway's`;
    let payload: string;
    try {
      const verified = await compactVerify(signature, await key, { algorithms: ["ES256"] });
      payload = decoder.decode(verified.payload);
    } catch {
      return "the signature does not verify with the gateway's key";
    }
    if (payload !== checkpointPayload(statement)) return "the signed statement differs from the checkpoint's columns";
    return null;
  };
}
