import { createHash } from "node:crypto";

/** The `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/** SHA-256 of a string's UTF-8 bytes, as 64 lowercase hex digits. */
export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/** An entry's hash: SHA-256 over the previous entry's hash followed by the entry's canonical body. */
export function entryHash(prevHash: string, body: string): string {
  return createHash("sha256").update(prevHash, "utf8").update(body, "utf8").digest("hex");
}
