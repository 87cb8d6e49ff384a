import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { JWK } from "jose";
import { SUBGRAPH_NAMES } from "@citygraph/core/config";
import { StartupError } from "@citygraph/core/errors";
import {
  INTERNAL_TOKEN_MAX_TTL_SECONDS,
  INTERNAL_TOKEN_TTL_SECONDS,
  deriveSubgraphTokenKey,
  loadOrCreateDevKeys,
  readJwkFile,
  subgraphTokenKeyFromJwk,
  subgraphTokenKeyJwk,
  type KeyPairJwk,
  type KeySource,
} from "@citygraph/core/auth";
import { loadRolePolicy, type RolePolicy } from "@citygraph/core/policy/roles";
import { environmentOf, type Environment, type EnvironmentSource, type VariableName } from "./config.ts";
import type { GatewayOptions } from "@citygraph/gateway/options";
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
  /** The city's OpenID Connect provider the console signs users in with (`CITYGRAPH_OIDC_*`). */
  oidc?: OidcConfig;
}

/** The console's OpenID Connect client settings. */
export interface OidcConfig {
  /** `CITYGRAPH_OIDC_ISSUER`. */
  issuer: string;
  /** `CITYGRAPH_OIDC_CLIENT_ID`: a public client (PKCE, no secret) whose redirect URI is `<gateway>/console/`. */
  clientId: string;
  /** `CITYGRAPH_OIDC_SCOPE`, default "openid". */
  scope: string;
  /** The audience of its access tokens (`CITYGRAPH_JWT_AUDIENCE`), sent as the RFC 8707 resource. */
  audience: string;
}

/**
 * The provider's JWKS URL from its discovery document. Start-up fails when the provider cannot be
 * reached or names another issuer: without its keys no token could be verified.
 */
async function discoverJwksUri(issuer: string): Promise<string> {
  const url = new URL(".well-known/openid-configuration", issuer.endsWith("/") ? issuer : `${issuer}/`);
  let metadata: { issuer?: string; jwks_uri?: string };
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    metadata = (await response.json()) as typeof metadata;
  } catch (error) {
    throw new StartupError(
      `CITYGRAPH_OIDC_ISSUER: could not read ${url} (${error instanceof Error ? error.message : String(error)}); ` +
        "check the issuer URL, or set CITYGRAPH_JWKS_URL to the provider's keys.",
    );
  }
  if (metadata.issuer !== issuer || typeof metadata.jwks_uri !== "string") {
    throw new StartupError(`CITYGRAPH_OIDC_ISSUER: ${url} names issuer ${JSON.stringify(metadata.issuer)} and no usable jwks_uri.`);
  }
  return metadata.jwks_uri;
}

/** The policy file: `CITYGRAPH_POLICY_FILE`, default `policy/roles.json`. */
export function policyFilePath(source?: Environment | EnvironmentSource): string {
  const env = environmentOf(source);
  return env.get("CITYGRAPH_POLICY_FILE") || join(REPO_ROOT, "policy", "roles.json");
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
export async function securityFromEnv(source?: Environment | EnvironmentSource): Promise<SecurityConfig> {
  const env = environmentOf(source);
  const roles = loadRolePolicy(policyFilePath(env), SUBGRAPH_NAMES);
  const jwksFile = env.get("CITYGRAPH_JWKS_FILE");
  const gatewayKeyFile = env.get("CITYGRAPH_GATEWAY_KEY_FILE");
  const oidcIssuer = env.get("CITYGRAPH_OIDC_ISSUER") || undefined;
  if (oidcIssuer && !env.get("CITYGRAPH_OIDC_CLIENT_ID")) {
    throw new StartupError("With CITYGRAPH_OIDC_ISSUER, also set CITYGRAPH_OIDC_CLIENT_ID (the console's client id at the provider).");
  }
  // The console's provider is the identity provider: its issuer is required of tokens and its JWKS
  // trusted, unless set explicitly.
  const jwtIssuer = env.get("CITYGRAPH_JWT_ISSUER") || oidcIssuer;
  const needsDevKeys = !(env.get("CITYGRAPH_JWKS_URL") || jwksFile || oidcIssuer) || !env.get("CITYGRAPH_GATEWAY_KEY_FILE");
  const dev = needsDevKeys ? await loadOrCreateDevKeys(env.get("CITYGRAPH_DATA_DIR") || DATA_DIR) : undefined;

  // A real identity provider issues tokens for many applications: accept only those issued for
  // this platform. (The local development provider signs for nothing else.)
  if ((env.get("CITYGRAPH_JWKS_URL") || jwksFile || oidcIssuer) && (!jwtIssuer || !env.get("CITYGRAPH_JWT_AUDIENCE"))) {
    throw new StartupError(
      "With CITYGRAPH_JWKS_URL, CITYGRAPH_JWKS_FILE or CITYGRAPH_OIDC_ISSUER, also set CITYGRAPH_JWT_ISSUER and CITYGRAPH_JWT_AUDIENCE: " +
        "otherwise any token the identity provider issued for another application would be accepted.",
    );
  }
  let keys: KeySource;
  if (env.get("CITYGRAPH_JWKS_URL") || (oidcIssuer && !jwksFile)) {
    const jwksUrl = env.get("CITYGRAPH_JWKS_URL") || (await discoverJwksUri(oidcIssuer!));
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw new StartupError(`CITYGRAPH_JWKS_URL is not a URL: ${JSON.stringify(jwksUrl)}.`);
    }
    keys = { kind: "url", url };
  } else if (jwksFile) {
    const file = readJwkFile(jwksFile);
    keys = { kind: "jwks", jwks: { keys: file.keys ?? [file] } };
  } else {
    keys = { kind: "jwks", jwks: { keys: [dev!.identityProvider.publicJwk] } };
  }

  let gatewayKeys: KeyPairJwk;
  if (gatewayKeyFile) {
    const privateJwk = readJwkFile(gatewayKeyFile);
    if (!privateJwk.d || !privateJwk.kid) {
      throw new StartupError("CITYGRAPH_GATEWAY_KEY_FILE must hold a private ES256 JWK with a kid.");
    }
    gatewayKeys = { privateJwk, publicJwk: publicJwkOf(privateJwk) };
  } else {
    gatewayKeys = dev!.gateway;
  }

  const mode = env.get("CITYGRAPH_DENIED_FIELDS") || "reject";
  if (mode !== "reject" && mode !== "filter") {
    throw new StartupError(`CITYGRAPH_DENIED_FIELDS must be "reject" or "filter" (got ${JSON.stringify(mode)}).`);
  }
  return {
    identity: {
      keys,
      issuer: jwtIssuer,
      audience: env.get("CITYGRAPH_JWT_AUDIENCE") || undefined,
      requireAuthentication: env.get("CITYGRAPH_REQUIRE_AUTH") === "true",
      maxTokenAgeSeconds: maxTokenAgeFromEnv(env),
    },
    roles,
    gatewayKeys,
    devIdentityProvider: keys.kind === "jwks" && !jwksFile ? dev?.identityProvider : undefined,
    permissions: { mode, allowPerRequestMode: env.get("CITYGRAPH_PER_REQUEST_MODE") !== "false" },
    subgraphTokenTtlSeconds: env.int("CITYGRAPH_GATEWAY_TOKEN_TTL", INTERNAL_TOKEN_TTL_SECONDS, { min: 1, max: INTERNAL_TOKEN_MAX_TTL_SECONDS }),
    cursorKey: await cursorKeyFromEnv(env, Boolean(env.get("CITYGRAPH_JWKS_URL") || jwksFile)),
    oidc: oidcIssuer
      ? {
          issuer: oidcIssuer,
          clientId: env.get("CITYGRAPH_OIDC_CLIENT_ID")!,
          scope: env.get("CITYGRAPH_OIDC_SCOPE") || "openid",
          audience: env.get("CITYGRAPH_JWT_AUDIENCE")!,
        }
      : undefined,
  };
}

/** The longest a user's token may live, seconds (`CITYGRAPH_MAX_TOKEN_AGE`, default 12 h): older ones are refused. */
export function maxTokenAgeFromEnv(source?: Environment | EnvironmentSource): number {
  return durationFromEnv("CITYGRAPH_MAX_TOKEN_AGE", 12 * 3600, source);
}

/**
 * Seconds of a duration: a whole number with `s`, `m`, `h` or `d` ("12h"), or with no unit when
 * `bareUnit` says what a bare number means. Undefined for anything else.
 */
export function durationSeconds(text: string, bareUnit?: "s"): number | undefined {
  const match = /^(\d+)\s*(s|m|h|d)?$/.exec(text.trim());
  const unit = match?.[2] ?? bareUnit;
  return match && unit ? Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[unit as "s" | "m" | "h" | "d"] : undefined;
}

/**
 * A duration from the environment: seconds, or a number with `s`, `m`, `h` or `d` ("12h").
 * Fails start-up on anything else, or on zero.
 */
export function durationFromEnv(key: VariableName, fallbackSeconds: number, source?: Environment | EnvironmentSource): number {
  const env = environmentOf(source);
  const raw = env.get(key);
  if (raw === undefined) return fallbackSeconds;
  const seconds = durationSeconds(raw, "s") ?? NaN;
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
export async function subgraphTokenKeyFromEnv(subgraph: string, source?: Environment | EnvironmentSource): Promise<Uint8Array> {
  const env = environmentOf(source);
  const tokenKeyFile = env.get("CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE");
  if (tokenKeyFile) return subgraphTokenKeyFromJwk(readJwkFile(tokenKeyFile), "CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE");
  if (env.get("CITYGRAPH_GATEWAY_KEY_FILE")) {
    throw new StartupError(
      `Set CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE for the ${subgraph} subgraph (its own key: "citygraph token-key ${subgraph}" ` +
        "prints it from the gateway key); a subgraph never uses the gateway key itself.",
    );
  }
  return deriveSubgraphTokenKey((await loadOrCreateDevKeys(env.get("CITYGRAPH_DATA_DIR") || DATA_DIR)).gateway.privateJwk, subgraph);
}

/**
 * Writes each subgraph's own token key (derived from the gateway key) to `<data dir>/keys/subgraphs/
 * <name>.jwk`, readable by this user only, and returns the paths: how `citygraph start` gives every
 * subgraph process its key without handing it the gateway's.
 */
export function writeSubgraphTokenKeyFiles(
  gatewayPrivateJwk: JWK,
  subgraphs: readonly string[],
  source?: Environment | EnvironmentSource,
): Record<string, string> {
  const env = environmentOf(source);
  const dataDir = env.get("CITYGRAPH_DATA_DIR") || DATA_DIR;
  const dir = join(dataDir, "keys", "subgraphs");
  // Only the keys are private (see loadOrCreateDevKeys).
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return Object.fromEntries(
    subgraphs.map((name) => {
      const path = join(dir, `${name}.jwk`);
      writeFileSync(path, `${JSON.stringify(subgraphTokenKeyJwk(deriveSubgraphTokenKey(gatewayPrivateJwk, name), name))}\n`, { mode: 0o600 });
      return [name, path];
    }),
  );
}

/** The gateway's private key as `securityFromEnv` reads it (`CITYGRAPH_GATEWAY_KEY_FILE` or the dev key). */
export async function gatewayPrivateKeyFromEnv(source?: Environment | EnvironmentSource): Promise<JWK> {
  const env = environmentOf(source);
  return (await securityFromEnv(env)).gatewayKeys.privateJwk;
}

/**
 * The secret list cursors are sealed with: `CITYGRAPH_CURSOR_KEY` (at least 32 characters), required
 * in production (with a real identity provider, or a subgraph given the gateway's public key file);
 * in development derived from the development gateway key under `<data dir>/keys`, so every local
 * process agrees.
 */
export async function cursorKeyFromEnv(source?: Environment | EnvironmentSource, production = false): Promise<string> {
  const env = environmentOf(source);
  const configured = env.get("CITYGRAPH_CURSOR_KEY");
  if (configured !== undefined && configured !== "") {
    if (configured.length < 32) throw new StartupError("CITYGRAPH_CURSOR_KEY must hold at least 32 characters of random secret (e.g. openssl rand -base64 32).");
    return configured;
  }
  if (production) {
    throw new StartupError(
      "Set CITYGRAPH_CURSOR_KEY (at least 32 random characters, the same for every service): list cursors are sealed with it.",
    );
  }
  const dev = await loadOrCreateDevKeys(env.get("CITYGRAPH_DATA_DIR") || DATA_DIR);
  return `citygraph development cursor key ${dev.gateway.privateJwk.d}`;
}

/** The gateway's public key for a subgraph run on its own: `CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`, or the dev key. */
export async function gatewayPublicKeyFromEnv(source?: Environment | EnvironmentSource): Promise<JWK> {
  const env = environmentOf(source);
  const publicKeyFile = env.get("CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE");
  if (publicKeyFile) return publicJwkOf(readJwkFile(publicKeyFile));
  return (await loadOrCreateDevKeys(env.get("CITYGRAPH_DATA_DIR") || DATA_DIR)).gateway.publicJwk;
}

/**
 * The public keys ledger checkpoints and anchors verify with, from `CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`
 * (a JWK, or a JWKS listing the current and earlier keys); undefined when it is not set.
 */
export function checkpointKeysFromEnv(source?: Environment | EnvironmentSource): JWK[] | undefined {
  const file = environmentOf(source).get("CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE");
  if (!file) return undefined;
  const read = readJwkFile(file);
  return (read.keys ?? [read]).map((key) => publicJwkOf(key));
}

/**
 * Writes the gateway's public key where `citygraph start` points the governance subgraph
 * (`CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`), so that it can verify the ledger without the private half.
 */
export function writeGatewayPublicKeyFile(publicJwk: JWK, source?: Environment | EnvironmentSource): string {
  const dataDir = environmentOf(source).get("CITYGRAPH_DATA_DIR") || DATA_DIR;
  const dir = join(dataDir, "keys");
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, "gateway.public.jwk");
  writeFileSync(path, `${JSON.stringify(publicJwkOf(publicJwk))}\n`, { mode: 0o644 });
  return path;
}
