// Subpaths, not the kits' barrels: a token is made in well under a second, not after loading
// every subgraph's schema machinery.
import { SUBGRAPH_NAMES } from "@citygraph/core/config";
import { StartupError } from "@citygraph/core/errors";
import { DISTRICTS, findDistrict } from "@citygraph/core/districts";
import { ROLE_PREFIX, loadRolePolicy } from "@citygraph/core/policy/roles";
import { scopeProblem } from "@citygraph/core/policy/scopes";
import { deriveSubgraphTokenKey, loadOrCreateDevKeys, signDevToken, subgraphTokenKeyJwk } from "@citygraph/core/auth";
import { DATA_DIR } from "@citygraph/platform/paths";
import { durationSeconds, gatewayPrivateKeyFromEnv, maxTokenAgeFromEnv, policyFilePath } from "@citygraph/platform/security";

/** Arguments of `citygraph token`. */
export interface TokenArgs {
  sub?: string;
  scopes?: string;
  districts?: string;
  ttl?: string;
  name?: string;
  org?: string;
}

/**
 * `citygraph token --sub S --scopes "..." [--districts 410105,410102] [--ttl 1h]`: a development
 * token signed by the local identity provider that `npm start` trusts. Validates what it signs,
 * so a typo fails here rather than as a 401 later.
 */
export async function tokenCommand(args: TokenArgs): Promise<void> {
  if (!args.sub) throw new StartupError('--sub is required (the caller\'s subject, e.g. --sub "dev-li.wei").');
  const scopes = (args.scopes ?? "").split(/[\s,]+/).filter(Boolean);
  const roles = loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES);
  const problems = scopes.flatMap((scope) => {
    if (scope.startsWith(ROLE_PREFIX)) {
      return roles.roles.has(scope.slice(ROLE_PREFIX.length))
        ? []
        : [`unknown role "${scope}" (known: ${[...roles.roles.keys()].map((r) => ROLE_PREFIX + r).join(", ")})`];
    }
    const problem = scopeProblem(scope, SUBGRAPH_NAMES);
    return problem ? [problem] : [];
  });
  if (problems.length) throw new StartupError(`Cannot sign: ${problems.join("; ")}.`);
  const districts = args.districts?.split(",").map((d) => d.trim()).filter(Boolean);
  const unknown = districts?.filter((d) => !findDistrict(d)) ?? [];
  if (unknown.length) {
    throw new StartupError(
      `Unknown district codes: ${unknown.join(", ")}. Known: ${DISTRICTS.map((d) => `${d.code} ${d.name}`).join(", ")}.`,
    );
  }
  const ttlSeconds = args.ttl === undefined ? 0 : durationSeconds(args.ttl);
  if (ttlSeconds === undefined) throw new StartupError('--ttl takes a duration like "15m", "1h" or "12h".');
  // The gateway refuses tokens that live longer than CITYGRAPH_MAX_TOKEN_AGE: do not sign one.
  const maxAge = maxTokenAgeFromEnv();
  if (args.ttl && ttlSeconds < 1) throw new StartupError(`--ttl ${args.ttl} would sign a token that is already expired: give at least "1s".`);
  if (ttlSeconds > maxAge) {
    throw new StartupError(`--ttl ${args.ttl} is longer than the gateway accepts (CITYGRAPH_MAX_TOKEN_AGE, ${maxAge / 3600} h): a token that long would be refused.`);
  }
  const { identityProvider } = await loadOrCreateDevKeys(DATA_DIR);
  process.stdout.write(
    (await signDevToken(identityProvider.privateJwk, {
      subject: args.sub,
      scopes,
      districts,
      ttl: args.ttl,
      name: args.name,
      org: args.org,
    })) + "\n",
  );
}

/**
 * `citygraph token-key <subgraph>`: the HS256 key that subgraph verifies the gateway's tokens with,
 * as a JWK to store in its `CITYGRAPH_SUBGRAPH_TOKEN_KEY_FILE`. Derived from the gateway key, so the
 * gateway needs no configuration of its own for it; each subgraph gets only its own.
 */
export async function tokenKeyCommand(subgraph: string | undefined): Promise<void> {
  if (!subgraph || !(SUBGRAPH_NAMES as readonly string[]).includes(subgraph)) {
    throw new StartupError(`Usage: citygraph token-key <${SUBGRAPH_NAMES.join("|")}>`);
  }
  const key = deriveSubgraphTokenKey(await gatewayPrivateKeyFromEnv(), subgraph);
  process.stdout.write(JSON.stringify(subgraphTokenKeyJwk(key, subgraph)) + "\n");
}
