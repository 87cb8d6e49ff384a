import { environmentOf, type Environment, type EnvironmentSource } from "./config.ts";
import { join } from "node:path";
import { createDevSignIn, type ConsoleOptions } from "@citygraph/gateway/console";
import { DATA_DIR, REPO_ROOT } from "./paths.ts";
import type { SecurityConfig } from "./security.ts";

/** Where `npm run build:console` writes the console (git-ignored). */
export const CONSOLE_DIST_DIR = join(REPO_ROOT, "apps", "console", "dist");

/** Who a development sign-in link signs in: the local operator, auditor and administrator at once. */
export const LOCAL_OPERATOR = {
  subject: "local-operator",
  name: "本地运维",
  scopes: ["audit:read", "governance:admin", "registry:sensitive", "health:sensitive", "transport:sensitive", "enterprise:personal"],
} as const;

/**
 * How the console signs users in for this deployment: through the configured OpenID Connect
 * provider; else, with the local development identity provider, by one-time links
 * `citygraph start` prints; else not at all (the console then says so).
 */
export function consoleOptionsOf(
  security: SecurityConfig,
  distDir = CONSOLE_DIST_DIR,
  source?: Environment | EnvironmentSource,
): ConsoleOptions {
  const env = environmentOf(source);
  if (security.oidc) {
    const { issuer, clientId, scope, audience } = security.oidc;
    return { distDir, signIn: { kind: "oidc", issuer, clientId, scope, resource: audience } };
  }
  if (security.devIdentityProvider) {
    const devSignIn = createDevSignIn({
      privateJwk: security.devIdentityProvider.privateJwk,
      claims: { subject: LOCAL_OPERATOR.subject, name: LOCAL_OPERATOR.name, scopes: LOCAL_OPERATOR.scopes },
      issued: issuedSignInOf(env),
      // Every gateway worker holds the code `citygraph start` printed: it must still work once.
      usedCodesDir: join(env.get("CITYGRAPH_DATA_DIR") || DATA_DIR, "sign-in"),
    });
    return { distDir, signIn: { kind: "dev", devSignIn } };
  }
  return { distDir, signIn: { kind: "none" } };
}

/**
 * `CITYGRAPH_CONSOLE_SIGNIN` (`<sha256 hex>:<expiry epoch ms>`): the one-time sign-in code
 * `citygraph start` printed, handed to every gateway worker; the mark in `<data dir>/sign-in` makes
 * it work once among them all.
 */
function issuedSignInOf(env: Environment): { digest: string; expiresAt: number } | undefined {
  const match = /^([0-9a-f]{64}):(\d+)$/.exec(env.get("CITYGRAPH_CONSOLE_SIGNIN") ?? "");
  return match ? { digest: match[1]!, expiresAt: Number(match[2]) } : undefined;
}
