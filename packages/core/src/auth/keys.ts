import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from "jose";
import { StartupError } from "../errors.ts";

/** A signing key pair as JWKs (the private one carries `d`). */
export interface KeyPairJwk {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Generates an ES256 key pair with `kid` set to its RFC 7638 thumbprint. */
export async function generateEs256(): Promise<KeyPairJwk> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "ES256", use: "sig" },
    publicJwk: { ...publicJwk, kid, alg: "ES256", use: "sig" },
  };
}

/**
 * Development keys, made on first start and kept under `<dataDir>/keys` (private keys mode 0600):
 * the local identity provider that `citygraph token` signs with, and the gateway's key for the
 * short-lived tokens it sends subgraphs. Production configures real ones (README § Tokens).
 */
export async function loadOrCreateDevKeys(dataDir: string): Promise<{ identityProvider: KeyPairJwk; gateway: KeyPairJwk }> {
  const dir = join(dataDir, "keys");
  // Only the keys are private: embedded PostgreSQL (run as the `postgres` user under root) must
  // still reach its cluster in the same data folder.
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const load = async (name: string): Promise<KeyPairJwk> => {
    const path = join(dir, `${name}.jwk.json`);
    if (existsSync(path)) return JSON.parse(readFileSync(path, "utf8")) as KeyPairJwk;
    const pair = await generateEs256();
    writeFileSync(path, JSON.stringify(pair, null, 2), { mode: 0o600 });
    writeFileSync(join(dir, `${name}.jwks.json`), JSON.stringify({ keys: [pair.publicJwk] }, null, 2));
    return pair;
  };
  return { identityProvider: await load("identity-provider"), gateway: await load("gateway") };
}

/** Reads a JWK (or `{ keys: [...] }` JWKS) file, failing start-up with the path when it cannot. */
export function readJwkFile(path: string): JWK & { keys?: JWK[] } {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as JWK & { keys?: JWK[] };
  } catch (error) {
    throw new StartupError(`Cannot read the key file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
