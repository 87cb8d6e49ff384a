import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { generateEs256 } from "@citygraph/core";
import { securityFromEnv } from "@citygraph/platform";

describe("security configuration", () => {
  it("refuses a real identity provider without an issuer and audience to check", async () => {
    const dir = mkdtempSync(join(tmpdir(), "citygraph-sec-"));
    const jwks = join(dir, "jwks.json");
    writeFileSync(jwks, JSON.stringify({ keys: [(await generateEs256()).publicJwk] }));
    const base = { CITYGRAPH_DATA_DIR: dir, CITYGRAPH_JWKS_FILE: jwks };
    await assert.rejects(securityFromEnv(base), /CITYGRAPH_JWT_ISSUER and CITYGRAPH_JWT_AUDIENCE/);
    const security = await securityFromEnv({
      ...base,
      CITYGRAPH_JWT_ISSUER: "https://idp.zz.gov.cn",
      CITYGRAPH_JWT_AUDIENCE: "citygraph",
      CITYGRAPH_CURSOR_KEY: "k".repeat(32),
    });
    assert.equal(security.identity.issuer, "https://idp.zz.gov.cn");
    assert.equal(security.identity.audience, "citygraph");
    assert.equal(security.devIdentityProvider, undefined, "no development provider next to a real one");
  });

  it("requires a cursor key in production and derives one from the development keys otherwise", async () => {
    const dir = mkdtempSync(join(tmpdir(), "citygraph-sec-"));
    const jwks = join(dir, "jwks.json");
    writeFileSync(jwks, JSON.stringify({ keys: [(await generateEs256()).publicJwk] }));
    const production = { CITYGRAPH_DATA_DIR: dir, CITYGRAPH_JWKS_FILE: jwks, CITYGRAPH_JWT_ISSUER: "i", CITYGRAPH_JWT_AUDIENCE: "a" };
    await assert.rejects(securityFromEnv(production), /Set CITYGRAPH_CURSOR_KEY/);
    await assert.rejects(securityFromEnv({ ...production, CITYGRAPH_CURSOR_KEY: "short" }), /at least 32 characters/);
    const first = await securityFromEnv({ CITYGRAPH_DATA_DIR: dir });
    const again = await securityFromEnv({ CITYGRAPH_DATA_DIR: dir });
    assert.ok(first.cursorKey && first.cursorKey.length >= 32);
    assert.equal(again.cursorKey, first.cursorKey, "every local process derives the same development key");
  });

  it("explains a bad permission mode", async () => {
    const dir = mkdtempSync(join(tmpdir(), "citygraph-sec-"));
    await assert.rejects(securityFromEnv({ CITYGRAPH_DATA_DIR: dir, CITYGRAPH_DENIED_FIELDS: "lenient" }), /"reject" or "filter"/);
  });
});
