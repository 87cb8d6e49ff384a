import { createHash, randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { signDevToken, type DevTokenClaims } from "@citygraph/core";
import type { JWK } from "jose";

/** Options of {@link createDevSignIn}. */
export interface DevSignInOptions {
  /** The local development identity provider's private key. */
  privateJwk: JWK;
  /** Who the link signs in, and with which scopes. */
  claims: Omit<DevTokenClaims, "ttl">;
  /** How long a printed code may wait to be used, milliseconds. Default 10 minutes. */
  codeTtlMs?: number;
  /** Lifetime of the token a code is exchanged for. Default "1h". */
  tokenTtl?: string;
  /**
   * A code issued by another process (`citygraph start` issues it; the gateway process redeems
   * it): its SHA-256 (hex) and expiry (epoch ms). Default none.
   */
  issued?: { digest: string; expiresAt: number };
  /**
   * A folder where each redeemed code is marked (an empty file named by its digest, created
   * exclusively), so that a code works once across every process that holds it: the gateway's
   * workers, a worker restarted after a crash. Default none: this process's memory alone, which
   * is enough only for a single process.
   */
  usedCodesDir?: string;
}

/** One-time sign-in codes for the local operator, exchanged for a short-lived development token. */
export interface DevSignIn {
  /** A new code (URL-safe), valid once within the code lifetime. */
  issue(): string;
  /** The token for a valid code, consuming it; undefined for an unknown, used or expired code. */
  redeem(code: string): Promise<{ access_token: string; token_type: "Bearer"; expires_in: number } | undefined>;
}

/**
 * `citygraph start` prints `/console/#signin=<code>`: the code sits in the fragment (browsers never
 * send fragments, so it reaches no log), works once, expires in minutes, and only its hash is kept.
 * No long-lived secret ever appears in a URL.
 */
export function createDevSignIn(options: DevSignInOptions): DevSignIn {
  const codeTtlMs = options.codeTtlMs ?? 10 * 60_000;
  const tokenTtl = options.tokenTtl ?? "1h";
  const pending = new Map<string, number>(options.issued ? [[options.issued.digest, options.issued.expiresAt]] : []);
  const digest = (code: string) => createHash("sha256").update(code).digest("hex");
  const usedDir = options.usedCodesDir;
  if (usedDir) {
    mkdirSync(usedDir, { recursive: true, mode: 0o700 });
    // Marks outlive their codes only by a day: enough for any code still valid to stay used.
    for (const name of readdirSync(usedDir)) {
      if (statSync(join(usedDir, name)).mtimeMs < Date.now() - 86_400_000) rmSync(join(usedDir, name), { force: true });
    }
  }
  /** True for the first redemption of `hash` anywhere that shares the folder. */
  const firstUse = (hash: string): boolean => {
    if (!usedDir) return true;
    try {
      writeFileSync(join(usedDir, hash), "", { flag: "wx", mode: 0o600 });
      return true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
      throw error;
    }
  };
  return {
    issue() {
      const now = Date.now();
      for (const [hash, expiresAt] of pending) if (expiresAt <= now) pending.delete(hash);
      const code = randomBytes(24).toString("base64url");
      pending.set(digest(code), now + codeTtlMs);
      return code;
    },
    async redeem(code) {
      const hash = digest(code);
      const expiresAt = pending.get(hash);
      pending.delete(hash);
      if (expiresAt === undefined || expiresAt <= Date.now() || !firstUse(hash)) return undefined;
      const accessToken = await signDevToken(options.privateJwk, { ...options.claims, ttl: tokenTtl });
      const { exp = 0 } = JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()) as { exp?: number };
      return { access_token: accessToken, token_type: "Bearer", expires_in: Math.max(0, exp - Math.floor(Date.now() / 1000)) };
    },
  };
}

/** A code for a sign-in another process will redeem (see {@link DevSignInOptions.issued}). */
export function issueForAnotherProcess(codeTtlMs = 10 * 60_000): { code: string; digest: string; expiresAt: number } {
  const code = randomBytes(24).toString("base64url");
  return { code, digest: createHash("sha256").update(code).digest("hex"), expiresAt: Date.now() + codeTtlMs };
}
