import { join } from "node:path";
import type { JWK } from "jose";
import {
  SUBGRAPH_NAMES,
  INTERNAL_TOKEN_MAX_TTL_SECONDS,
  INTERNAL_TOKEN_TTL_SECONDS,
  StartupError,
  deriveSubgraphTokenKey,
  intFromEnv,
  loadOrCreateDevKeys,
  subgraphTokenKeyFromJwk,
  loadRolePolicy,
  readJwkFile,
  type KeyPairJwk,
  type KeySource,
  type RolePolicy,
} from "@citygraph/core";
import type { GatewayOptions } from "../../../gateway/src/options.ts";
import { DATA_DIR, REPO_ROOT } from "./paths.ts";

/** Keys and policy every service of a deployment needs. */
export interface SecurityConfig {
  identity: GatewayOptions["identity"];
  roles: RolePolicy;
  /** The gateway's signing pair: the private half for the gateway, the public half for subgraphs. */
  gatewayKeys: KeyPairJwk;
  /** The local development identity provider (only when no real one is configured). */
  devIdentityProvider?: KeyPairJwk;
  permissions: NonNullable<GatewayOptions["permissions"]>;
  /** Lifetime of the gateway's single-use subgraph tokens, seconds (`CITYGRAPH_GATEWAY_TOKEN_TTL`). */
  subgraphTokenTtlSeconds: number;
  /** The secret every subgraph seals list cursors with (see `configureCursorKey`); unset: one random key per process. */
  cursorKey?: string;
}

/** The policy file: `CITYGRAPH_POLICY_FILE`, default `policy/roles.json`. */
export function policyFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.CITYGRAPH_POLICY_FILE || join(REPO_ROOT, "policy", "roles.json");
}

/** The public half of an EC or RSA private JWK. */
export function publicJwkOf(privateJwk: JWK): JWK {
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, oth: _oth, ...rest } = privateJwk;
  return rest;
}

/**
 * Reads the deployment's security configuration. Production names its identity provider
 * (`CITYGRAPH_JWKS_URL` or `CITYGRAPH_JWKS_FILE`) and the gateway key (`CITYGRAPH_GATEWAY_KEY_FILE`);
 * anything not named falls back to development keys kept under `<data dir>/keys`.
 */
export async function securityFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<SecurityConfig> {
  const roles = loadRolePolicy(policyFilePath(env), SUBGRAPH_NAMES);
  const needsDevKeys = !(env.CITYGRAPH_JWKS_URL || env.CITYGRAPH_JWKS_FILE) || !env.CITYGRAPH_GATEWAY_KEY_FILE;
  const dev = needsDevKeys ? await loadOrCreateDevKeys(env.CITYGRAPH_DATA_DIR || DATA_DIR) : undefined;

  // A real identity provider issues tokens for many applications: accept only those issued for
  // this platform. (The local development provider signs for nothing else.)
  if ((env.CITYGRAPH_JWKS_URL || env.CITYGRAPH_JWKS_FILE) && (!env.CITYGRAPH_JWT_ISSUER || !env.CITYGRAPH_JWT_AUDIENCE)) {
    throw new StartupError(
      "With CITYGRAPH_JWKS_URL or CITYGRAPH_JWKS_FILE, also set CITYGRAPH_JWT_ISSUER and CITYGRAPH_JWT_AUDIENCE: " +
        "otherwise any token the identity provider issued for another application would be accepted.",
    );
  }
  let keys: KeySource;
  if (env.CITYGRAPH_JWKS_URL) {
    let url: URL;
    try {
      url = new URL(env.CITYGRAPH_JWKS_URL);
    } catch {
      throw new StartupError(`CITYGRAPH_JWKS_URL is not a URL: ${JSON.stringify(env.CITYGRAPH_JWKS_URL)}.`);
    }
    keys = { kind: "url", url };
  } else if (env.CITYGRAPH_JWKS_FILE) {
    const file = readJwkFile(env.CITYGRAPH_JWKS_FILE);
    keys = { kind: "jwks", jwks: { keys: file.keys ?? [file] } };
  } else {
    keys = { kind: "jwks", jwks: { keys: [dev!.identityProvider.publicJwk] } };
  }

  let gatewayKeys: KeyPairJwk;
  if (env.CITYGRAPH_GATEWAY_KEY_FILE) {
    const privateJwk = readJwkFile(env.CITYGRAPH_GATEWAY_KEY_FILE);
    if (!privateJwk.d || !privateJwk.kid) {
      throw new StartupError("CITYGRAPH_GATEWAY_KEY_FILE must hold a private ES256 JWK with a kid.");
    }
    gatewayKeys = { privateJwk, publicJwk: publicJwkOf(privateJwk) };
  } else {
    gatewayKeys = dev!.gateway;
  }

  const mode = env.CITYGRAPH_DENIED_FIELDS || "reject";
  if (mode !== "reject" && mode !== "filter") {
    throw new StartupError(`CITYGRAPH_DENIED_FIELDS must be "reject" or "filter" (got ${JSON.stringify(mode)}).`);
  }
  return {
    identity: {
      keys,
      issuer: env.CITYGRAPH_JWT_ISSUER || undefined,
      audience: env.CITYGRAPH_JWT_AUDIENCE || undefined,
      requireAuthentication: env.CITYGRAPH_REQUIRE_AUTH === "true",
      maxTokenAgeSeconds: durationFromEnv("CITYGRAPH_MAX_TOKEN_AGE", 12 * 3600, env),
    },
    roles,
    gatewayKeys,
    devIdentityProvider: keys.kind === "jwks" && !env.CITYGRAPH_JWKS_FILE ? dev?.identityProvider : undefined,
    permissions: { mode, allowPerRequestMode: env.CITYGRAPH_PER_REQUEST_MODE !== "false" },
    subgraphTokenTtlSeconds: intFromEnv(
      "CITYGRAPH_GATEWAY_TOKEN_TTL",
      INTERNAL_TOKEN_TTL_SECONDS,
      { min: 1, max: INTERNAL_TOKEN_MAX_TTL_SECONDS },
      env,
    ),
    cursorKey: await cursorKeyFromEnv(env, Boolean(env.CITYGRAPH_JWKS_URL || env.CITYGRAPH_JWKS_FILE)),
  };
}

/**
 * A duration from the environment: seconds, or a number with `s`, `m`, `h` or `d` ("12h").
 * Fails start-up on anything else, or on zero.
 */
export function durationFromEnv(key: string, fallbackSeconds: number, env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[key];
  if (raw === undefined || raw === "") return fallbackSeconds;
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(raw.trim());
  const seconds = match ? Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[(match[2] ?? "s") as "s"] : NaN;
  if (!Number.isSafeInteger(seconds) || seconds < 1) {
    throw new StartupError(`${key}=${JSON.stringify(raw)} is invalid: use a duration like "12h", "30m" or "3600" (seconds).`);
  }
  return seconds;
}

/**
 * The key a subgraph run on its own verifies the gateway's tokens with:
 * `CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE` (its own HS256 JWK, as `citygraph token-key <subgraph>`
 * prints it), or one derived from the development gateway key. A subgraph must never hold the
 * gateway's key (with it, it could mint tokens for every other subgraph), so a deployment that
 * configures `CITYGRAPH_GATEWAY_KEY_FILE` must give the subgraph its own key file.
 */
export async function subgraphTokenKeyFromEnv(subgraph: string, env: NodeJS.ProcessEnv = process.env): Promise<Uint8Array> {
  if (env.CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE) {
    return subgraphTokenKeyFromJwk(readJwkFile(env.CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE), "CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE");
  }
  if (env.CITYGRAPH_GATEWAY_KEY_FILE) {
    throw new StartupError(
      `Set CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE for the ${subgraph} subgraph (its own key: "citygraph token-key ${subgraph}" ` +
        "prints it from the gateway key); a subgraph never uses the gateway key itself.",
    );
  }
  return deriveSubgraphTokenKey((await loadOrCreateDevKeys(env.CITYGRAPH_DATA_DIR || DATA_DIR)).gateway.privateJwk, subgraph);
}

/** The gateway's private key as `securityFromEnv` reads it (`CITYGRAPH_GATEWAY_KEY_FILE` or the dev key). */
export async function gatewayPrivateKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JWK> {
  return (await securityFromEnv(env)).gatewayKeys.privateJwk;
}

/**
 * The secret list cursors are sealed with: `CITYGRAPH_CURSOR_KEY` (at least 32 characters), required
 * in production (with a real identity provider, or a subgraph given the gateway's public key file);
 * in development derived from the development gateway key under `<data dir>/keys`, so every local
 * process agrees.
 */
export async function cursorKeyFromEnv(env: NodeJS.ProcessEnv = process.env, production = false): Promise<string> {
  const configured = env.CITYGRAPH_CURSOR_KEY;
  if (configured !== undefined && configured !== "") {
    if (configured.length < 32) throw new StartupError("CITYGRAPH_CURSOR_KEY must hold at least 32 characters of random secret (e.g. openssl rand -base64 32).");
    return configured;
  }
  if (production) {
    throw new StartupError(
      "Set CITYGRAPH_CURSOR_KEY (at least 32 random characters, the same for every service): list cursors are sealed with it.",
    );
  }
  const dev = await loadOrCreateDevKeys(env.CITYGRAPH_DATA_DIR || DATA_DIR);
  return `citygraph development cursor key ${dev.gateway.privateJwk.d}`;
}

/** The gateway's public key for a subgraph run on its own: `CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`, or the dev key. */
export async function gatewayPublicKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JWK> {
  if (env.CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE) return publicJwkOf(readJwkFile(env.CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE));
  return (await loadOrCreateDevKeys(env.CITYGRAPH_DATA_DIR || DATA_DIR)).gateway.publicJwk;
}
