import { join } from "node:path";
import type { JWK } from "jose";
import {
  SUBGRAPH_NAMES,
  StartupError,
  loadOrCreateDevKeys,
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
    },
    roles,
    gatewayKeys,
    devIdentityProvider: keys.kind === "jwks" && !env.CITYGRAPH_JWKS_FILE ? dev?.identityProvider : undefined,
    permissions: { mode, allowPerRequestMode: env.CITYGRAPH_PER_REQUEST_MODE !== "false" },
  };
}

/** The gateway's public key for a subgraph run on its own: `CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE`, or the dev key. */
export async function gatewayPublicKeyFromEnv(env: NodeJS.ProcessEnv = process.env): Promise<JWK> {
  if (env.CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE) return publicJwkOf(readJwkFile(env.CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE));
  return (await loadOrCreateDevKeys(env.CITYGRAPH_DATA_DIR || DATA_DIR)).gateway.publicJwk;
}
