import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, importJWK } from "jose";
import { SUBGRAPH_NAMES, createIdentityVerifier, generateEs256, loadRolePolicy } from "@citygraph/core";
import { policyFilePath } from "@citygraph/platform";

describe("identity tokens: maximum lifetime (CITYGRAPH_MAX_TOKEN_AGE)", async () => {
  const { privateJwk, publicJwk } = await generateEs256();
  const key = await importJWK(privateJwk, "ES256");
  const roles = loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES);
  const verifier = (maxTokenAgeSeconds?: number) =>
    createIdentityVerifier({ keys: { kind: "jwks", jwks: { keys: [publicJwk] } }, roles, owners: SUBGRAPH_NAMES, maxTokenAgeSeconds });
  const now = () => Math.floor(Date.now() / 1000);
  const token = (times: { iat?: number; exp: number }) => {
    const jwt = new SignJWT({ scope: "registry:internal" }).setProtectedHeader({ alg: "ES256", kid: privateJwk.kid }).setSubject("li.wei");
    if (times.iat !== undefined) jwt.setIssuedAt(times.iat);
    return jwt.setExpirationTime(times.exp).sign(key);
  };
  const refusal = async (verify: ReturnType<typeof verifier>, jwt: string) => {
    const error = await verify(`Bearer ${jwt}`).then(
      () => assert.fail("accepted"),
      (e: { message: string; extensions?: { code?: string; http?: { status: number } } }) => e,
    );
    assert.equal(error.extensions?.code, "UNAUTHENTICATED");
    assert.equal(error.extensions?.http?.status, 401);
    return error.message;
  };

  it("accepts a token of a working day", async () => {
    const principal = await verifier()(`Bearer ${await token({ iat: now(), exp: now() + 8 * 3600 })}`);
    assert.equal(principal.kind, "user");
  });

  it("refuses a token expiring in 50 years, saying why", async () => {
    const message = await refusal(verifier(), await token({ iat: now(), exp: now() + 50 * 365 * 86_400 }));
    assert.match(message, /lives longer \(exp - iat\) than the 43200 s/);
  });

  it("refuses a token without iat", async () => {
    assert.match(await refusal(verifier(), await token({ exp: now() + 3600 })), /"iat"/);
  });

  it("refuses a token issued longer ago than the maximum age, though not yet expired", async () => {
    const message = await refusal(verifier(3600), await token({ iat: now() - 2 * 3600, exp: now() + 600 }));
    assert.match(message, /issued more than 3600 s ago/);
  });

  it("refuses an invalid maximum at start-up", () => {
    assert.throws(() => verifier(0), /CITYGRAPH_MAX_TOKEN_AGE/);
    assert.throws(() => verifier(1.5), /CITYGRAPH_MAX_TOKEN_AGE/);
  });
});

describe("identity tokens: a verified token is remembered, never past the moment it would be refused", async () => {
  const { privateJwk, publicJwk } = await generateEs256();
  const key = await importJWK(privateJwk, "ES256");
  const roles = loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES);
  const now = () => Math.floor(Date.now() / 1000);
  const verifier = (clockToleranceSeconds: number) =>
    createIdentityVerifier({ keys: { kind: "jwks", jwks: { keys: [publicJwk] } }, roles, owners: SUBGRAPH_NAMES, clockToleranceSeconds });
  /** A token of li.wei's, issued now, expiring at `exp` (seconds since the epoch, or a span like "1h"). */
  const mint = (exp: number | string) =>
    new SignJWT({ scope: "registry:internal" }).setProtectedHeader({ alg: "ES256", kid: privateJwk.kid }).setSubject("li.wei").setIssuedAt().setExpirationTime(exp).sign(key);

  it("refuses a remembered token once it expires", async () => {
    const verify = verifier(0);
    const jwt = await mint(now() + 2);
    const first = await verify(`Bearer ${jwt}`);
    assert.equal(first.kind, "user");
    assert.equal(await verify(`Bearer ${jwt}`), first, "the second request reuses the first verification");
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await assert.rejects(verify(`Bearer ${jwt}`), /expired/);
  });

  it("hands every request the same frozen principal, so one request cannot change another's grants", async () => {
    const verify = verifier(30);
    const jwt = await mint("1h");
    const principal = await verify(`Bearer ${jwt}`);
    assert.ok(Object.isFrozen(principal));
    assert.throws(() => ((principal as { kind: string }).kind = "anonymous"), TypeError);
  });

  it("does not remember a token whose signature fails: every use is refused", async () => {
    const verify = verifier(30);
    const jwt = await mint("1h");
    const [header, payload] = jwt.split(".");
    const forged = `${header}.${payload}.${Buffer.alloc(64, 7).toString("base64url")}`;
    for (let i = 0; i < 2; i++) await assert.rejects(verify(`Bearer ${forged}`), /signature/);
    assert.equal((await verify(`Bearer ${jwt}`)).kind, "user");
  });
});
