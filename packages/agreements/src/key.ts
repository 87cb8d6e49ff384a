import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Prefix of every API key id: recognisable in logs and by secret scanners. */
export const API_KEY_PREFIX = "cgk_";
const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567"; // RFC 4648 base32, lowercase
const ID_LENGTH = 12;
const SECRET_BYTES = 32;

/** A freshly generated API key: `key` is shown once; only `secretHash` is stored. */
export interface GeneratedApiKey {
  id: string;
  /** `<id>.<secret>`, what the third party sends. */
  key: string;
  /** SHA-256 (hex) of the secret part. */
  secretHash: string;
}

/** SHA-256 (hex) of an API key's secret part: what `api_key.secret_hash` holds. */
export function hashApiKeySecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/**
 * A new key: id `cgk_` + 12 random base32 characters (60 bits), secret 32 random bytes in
 * base64url (256 bits).
 */
export function generateApiKey(): GeneratedApiKey {
  const bytes = randomBytes(ID_LENGTH);
  // 256 is a multiple of 32: taking each byte modulo 32 is unbiased.
  const id = API_KEY_PREFIX + Array.from(bytes, (b) => ID_ALPHABET[b % 32]).join("");
  const secret = randomBytes(SECRET_BYTES).toString("base64url");
  return { id, key: `${id}.${secret}`, secretHash: hashApiKeySecret(secret) };
}

/** An API key id: `cgk_` and 12 lowercase base32 characters. */
export const API_KEY_ID_PATTERN = /^cgk_[a-z2-7]{12}$/;

/** Splits `<id>.<secret>`; null when the text is not shaped like a key {@link generateApiKey} makes. */
export function parseApiKey(key: string): { id: string; secret: string } | null {
  const match = /^(cgk_[a-z2-7]{12})\.([A-Za-z0-9_-]{43})$/.exec(key);
  return match ? { id: match[1]!, secret: match[2]! } : null;
}

/** Whether `secret` hashes to `secretHash`, compared in constant time. */
export function apiKeySecretMatches(secret: string, secretHash: string): boolean {
  const actual = Buffer.from(hashApiKeySecret(secret), "hex");
  const expected = Buffer.from(secretHash, "hex");
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
