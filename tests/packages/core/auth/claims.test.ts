import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GraphQLError } from "graphql";
import { SignJWT, importJWK } from "jose";
import { SUBGRAPH_NAMES, createIdentityVerifier, loadRolePolicy } from "@citygraph/core";
import { policyFilePath } from "@citygraph/platform";
import { testSecurity } from "../../../support/security.ts";

/** Signs arbitrary claims with the test identity provider, as a real (or compromised) IdP could. */
async function tokenWith(claims: Record<string, unknown>): Promise<string> {
  const { devIdentityProvider } = await testSecurity();
  const key = await importJWK(devIdentityProvider.privateJwk, "ES256");
  return new SignJWT({ scope: "registry:internal", ...claims })
    .setProtectedHeader({ alg: "ES256", kid: devIdentityProvider.privateJwk.kid })
    .setIssuedAt()
    .setExpirationTime("5m")
    .sign(key);
}

async function verifier() {
  const { identity } = await testSecurity();
  return createIdentityVerifier({ ...identity, roles: loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES), owners: SUBGRAPH_NAMES });
}

/** Asserts a 401 whose message names `claim` and does not contain `value`. */
async function refuses(claims: Record<string, unknown>, claim: string, value: string): Promise<void> {
  const verify = await verifier();
  await assert.rejects(verify(`Bearer ${await tokenWith(claims)}`), (error: unknown) => {
    assert.ok(error instanceof GraphQLError);
    assert.equal(error.extensions.code, "UNAUTHENTICATED");
    assert.match(error.message, new RegExp(`"${claim}" claim`));
    assert.ok(!error.message.includes(value), "the message never echoes the value");
    return true;
  });
}

describe("identity claims are checked at authentication", () => {
  it("refuses a NUL character in sub with a 401 naming the claim", async () => {
    await refuses({ sub: "mallory\u0000admin" }, "sub", "mallory");
  });

  it("refuses a lone UTF-16 surrogate in sub", async () => {
    await refuses({ sub: "li.wei\ud800" }, "sub", "li.wei");
  });

  it("refuses a 300-character sub and a 300-character org, saying which", async () => {
    await refuses({ sub: "s".repeat(300) }, "sub", "s".repeat(300));
    await refuses({ sub: "li.wei", org: "o".repeat(300) }, "org", "o".repeat(300));
  });

  it("refuses control characters in name, scope and districts, and claims of the wrong type", async () => {
    await refuses({ sub: "li.wei", name: "王\u001b[31m博平" }, "name", "博平");
    await refuses({ sub: "li.wei", scope: "registry:internal\u0000" }, "scope", "registry");
    await refuses({ sub: "li.wei", districts: ["410105\u0000"] }, "districts", "410105");
    await refuses({ sub: "li.wei", org: 42 }, "org", "42");
  });

  it("accepts well-formed claims, astral characters included", async () => {
    const verify = await verifier();
    const principal = await verify(`Bearer ${await tokenWith({ sub: "li.wei", name: "欧阳娜娜 𠮷", org: "郑州市卫健委", districts: ["410105"] })}`);
    assert.equal(principal.kind, "user");
    assert.equal(principal.kind === "user" && principal.subject, "li.wei");
  });
});
