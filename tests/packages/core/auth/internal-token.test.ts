import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
import {
  createInternalTokenSigner,
  createInternalTokenVerifier,
  createRedisReplayCache,
  deriveSubgraphTokenKey,
  generateEs256,
  operationHash,
  type InternalTokenVerdict,
} from "@citygraph/core";
import { testPrincipal } from "../../../support/security.ts";
import { createHmac } from "node:crypto";

/** The protected header every gateway token carries. */
const GATEWAY_HEADER = { alg: "HS256", typ: "citygraph-subgraph+jwt" };
import { testRedis } from "../../../support/redis.ts";

// Real tokens, real HMAC checks, and the real shared store (Redis) for used token ids: one found or
// started for this file (skipped, saying why, only where neither is possible).
const redis = await testRedis();

describe("gateway-to-subgraph tokens", { skip: redis.kind === "absent" && redis.reason }, async () => {
  const { privateJwk } = await generateEs256();
  const sign = createInternalTokenSigner({ gatewayKey: privateJwk });
  const replay = createRedisReplayCache(redis.kind === "ready" ? redis.url : "", `test-${randomUUID()}`);
  after(async () => {
    await replay.close();
    if (redis.kind === "ready") await redis.stop();
  });
  const verify = createInternalTokenVerifier({ key: deriveSubgraphTokenKey(privateJwk, "registry"), audience: "registry", replay });
  const body = { query: "query($id: ID!) { person(id: $id) { name } }", variables: { id: "00453dca54ef0068" } };
  const bearer = (token: string) => `Bearer ${token}`;
  const reason = (verdict: InternalTokenVerdict) => (verdict.kind === "refused" ? verdict.reason : "accepted");
  /** A token made with registry's key but claims of the test's choosing. */
  const craft = (claims: { iat: number; exp: number; op?: string }) =>
    new SignJWT({ kind: "user", scp: ["registry:sensitive"], pol: [], rid: "r", op: claims.op ?? operationHash(body) })
      .setProtectedHeader(GATEWAY_HEADER)
      .setIssuer("citygraph-gateway")
      .setAudience("registry")
      .setSubject("tester")
      .setJti(randomUUID())
      .setIssuedAt(claims.iat)
      .setExpirationTime(claims.exp)
      .sign(deriveSubgraphTokenKey(privateJwk, "registry"));
  const now = () => Math.floor(Date.now() / 1000);
  /** The claims of a signed token, decoded. */
  const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

  it("answers the operation it was signed for once, and refuses the same token replayed", async () => {
    const token = await sign(testPrincipal(), "registry", "req-1", body);
    const first = await verify(bearer(token), "POST", structuredClone(body));
    assert.equal(first.kind, "accepted");
    assert.equal(reason(await verify(bearer(token), "POST", structuredClone(body))), "replayed");
  });

  it("refuses a captured token sent with another document or other variables, without burning it", async () => {
    const token = await sign(testPrincipal(), "registry", "req-2", body);
    const other = { query: `{ _entities(representations: [{ __typename: "Person", id: "x" }]) { ... on Person { idNumber } } }` };
    assert.equal(reason(await verify(bearer(token), "POST", other)), "operation-mismatch");
    assert.equal(reason(await verify(bearer(token), "POST", { ...body, variables: { id: "0000000000000001" } })), "operation-mismatch");
    assert.equal(reason(await verify(bearer(token), "POST", { query: body.query })), "operation-mismatch");
    assert.equal(reason(await verify(bearer(token), "POST", { query: "{ _service { sdl } }" })), "operation-mismatch");
    // The genuine request, arriving after the attacker's copies, still gets through.
    assert.equal(reason(await verify(bearer(token), "POST", body)), "accepted");
  });

  it("lives seconds: a token expired a few seconds ago (beyond the 5 s skew tolerance) is refused", async () => {
    const token = await craft({ iat: now() - 20, exp: now() - 6 });
    assert.equal(reason(await verify(bearer(token), "POST", body)), "expired");
  });

  it("refuses a token that would live longer than 60 s, even with the right key", async () => {
    assert.equal(reason(await verify(bearer(await craft({ iat: now(), exp: now() + 3600 })), "POST", body)), "lifetime");
  });

  it("signs tokens that live 10 s by default", async () => {
    const token = await sign(testPrincipal(), "registry", "req-3", body);
    const claims = JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { iat: number; exp: number; jti: string };
    assert.equal(claims.exp - claims.iat, 10);
    assert.match(claims.jti, /^[0-9a-f-]{36}$/);
  });

  it("refuses a token made for another subgraph: its key differs, so one subgraph cannot mint for another", async () => {
    const forHealth = await sign(testPrincipal(), "health", "req-4", body);
    assert.equal(reason(await verify(bearer(forHealth), "POST", body)), "invalid");
    // A token with the right audience but made with health's key (what a compromised health could mint).
    const minted = await new SignJWT({ kind: "user", scp: ["registry:sensitive"], pol: [], rid: "r", op: operationHash(body) })
      .setProtectedHeader(GATEWAY_HEADER)
      .setIssuer("citygraph-gateway")
      .setAudience("registry")
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime("10s")
      .sign(deriveSubgraphTokenKey(privateJwk, "health"));
    assert.equal(reason(await verify(bearer(minted), "POST", body)), "invalid");
  });

  it("refuses a token whose header chooses anything but the gateway's HS256, even with registry's key and valid claims", async () => {
    const key = deriveSubgraphTokenKey(privateJwk, "registry");
    const genuine = await sign(testPrincipal(), "registry", "req-h", body);
    const payload = genuine.split(".")[1]!;
    const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const mac = (input: string) => createHmac("sha256", key).update(input).digest("base64url");
    const withHeader = (header: object) => `${encode(header)}.${payload}.${mac(`${encode(header)}.${payload}`)}`;
    for (const header of [
      { alg: "none", typ: GATEWAY_HEADER.typ },
      { alg: "HS512", typ: GATEWAY_HEADER.typ },
      { alg: "HS256" },
      { ...GATEWAY_HEADER, crit: ["b64"], b64: false },
      { ...GATEWAY_HEADER, kid: "../../etc/passwd" },
    ]) {
      assert.equal(reason(await verify(bearer(withHeader(header)), "POST", body)), "invalid", JSON.stringify(header));
    }
    assert.equal(reason(await verify(bearer(`${genuine.split(".").slice(0, 2).join(".")}.`), "POST", body)), "invalid", "no signature");
    // The signature spelled with padding or a trailing character is not the canonical MAC.
    assert.equal(reason(await verify(bearer(`${genuine}=`), "POST", body)), "invalid");
    assert.equal(reason(await verify(bearer(`${genuine}A`), "POST", body)), "invalid");
    // Claims edited after signing.
    const edited = encode({ ...claimsOf(genuine), scp: ["registry:sensitive", "health:sensitive"] });
    assert.equal(reason(await verify(bearer(`${genuine.split(".")[0]}.${edited}.${genuine.split(".")[2]}`), "POST", body)), "invalid");
    // The genuine token was never burnt by the forgeries.
    assert.equal(reason(await verify(bearer(genuine), "POST", body)), "accepted");
  });

  it("refuses a token from another issuer, one issued in the future and one without a token id", async () => {
    const key = deriveSubgraphTokenKey(privateJwk, "registry");
    const base = { kind: "user", scp: [], pol: [], rid: "r", op: operationHash(body) };
    const mint = (set: (jwt: SignJWT) => SignJWT) =>
      set(new SignJWT(base).setProtectedHeader(GATEWAY_HEADER).setAudience("registry").setIssuedAt().setExpirationTime("10s")).sign(key);
    assert.equal(reason(await verify(bearer(await mint((j) => j.setIssuer("someone-else").setJti(randomUUID()))), "POST", body)), "invalid");
    assert.equal(reason(await verify(bearer(await mint((j) => j.setIssuer("citygraph-gateway"))), "POST", body)), "invalid");
    const future = await mint((j) => j.setIssuer("citygraph-gateway").setJti(randomUUID()).setIssuedAt(now() + 30).setExpirationTime(now() + 40));
    assert.equal(reason(await verify(bearer(future), "POST", body)), "invalid");
    const notYet = await mint((j) => j.setIssuer("citygraph-gateway").setJti(randomUUID()).setNotBefore(now() + 30));
    assert.equal(reason(await verify(bearer(notYet), "POST", body)), "invalid");
    const ok = await mint((j) => j.setIssuer("citygraph-gateway").setJti(randomUUID()));
    assert.equal(reason(await verify(bearer(ok), "POST", body)), "accepted");
  });

  it("refuses GET requests and missing tokens", async () => {
    const token = await sign(testPrincipal(), "registry", "req-5", body);
    assert.equal(reason(await verify(bearer(token), "GET", undefined)), "method");
    assert.equal(reason(await verify(undefined, "POST", body)), "missing");
  });

  it("refuses a lifetime outside 1-60 s at start-up", () => {
    assert.throws(() => createInternalTokenSigner({ gatewayKey: privateJwk, ttlSeconds: 61 }), /1 to 60/);
    assert.throws(() => createInternalTokenSigner({ gatewayKey: privateJwk, ttlSeconds: 0 }), /1 to 60/);
  });
});
