import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { effectiveStatus, generateApiKey, parseApiKey, standingOf, apiKeySecretMatches, type StoredAgreementStatus } from "@citygraph/agreements";

const NOW = new Date("2026-06-01T00:00:00Z");
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);
const STATUSES: StoredAgreementStatus[] = ["DRAFT", "ACTIVE", "SUSPENDED", "REVOKED", "EXPIRED"];

test("an agreement past its end date is expired whatever it was, unless revoked", () => {
  for (const status of STATUSES) {
    const expected = status === "REVOKED" ? "REVOKED" : "EXPIRED";
    assert.equal(effectiveStatus(status, at(-1), NOW), expected, status);
    const standing = standingOf({ status, validFrom: at(-86_400_000), validUntil: at(-1) }, NOW);
    assert.deepEqual(standing, expected === "EXPIRED" ? { kind: "expired" } : { kind: "inactive", status: "REVOKED" }, status);
  }
});

test("only an active agreement between its dates is in force", () => {
  assert.deepEqual(standingOf({ status: "ACTIVE", validFrom: at(-1), validUntil: at(1) }, NOW), { kind: "in-force" });
  assert.deepEqual(standingOf({ status: "ACTIVE", validFrom: at(1), validUntil: at(2) }, NOW), { kind: "not-yet-valid" });
  assert.deepEqual(standingOf({ status: "ACTIVE", validFrom: at(-2), validUntil: NOW }, NOW), { kind: "expired" }, "validUntil is exclusive");
  for (const status of ["DRAFT", "SUSPENDED", "REVOKED"] as const) {
    assert.deepEqual(standingOf({ status, validFrom: at(-1), validUntil: at(1) }, NOW), { kind: "inactive", status });
  }
});

test("the standing agrees with the status administrators read, for any dates", () => {
  fc.assert(
    fc.property(fc.constantFrom(...STATUSES), fc.integer({ min: -1e9, max: 1e9 }), fc.integer({ min: 0, max: 2e9 }), (status, from, length) => {
      const agreement = { status, validFrom: at(from), validUntil: at(from + length) };
      const standing = standingOf(agreement, NOW);
      const read = effectiveStatus(status, agreement.validUntil, NOW);
      assert.equal(standing.kind === "in-force", read === "ACTIVE" && from <= 0);
      assert.equal(standing.kind === "expired", read === "EXPIRED");
      if (standing.kind === "inactive") assert.equal(standing.status, read);
    }),
  );
});

test("a key parses back into the id and a secret that matches its stored hash, and nothing else parses", () => {
  const key = generateApiKey();
  const parsed = parseApiKey(key.key);
  assert.equal(parsed?.id, key.id);
  assert.ok(apiKeySecretMatches(parsed!.secret, key.secretHash));
  assert.ok(!apiKeySecretMatches(parsed!.secret.replace(/^./, (c) => (c === "A" ? "B" : "A")), key.secretHash));
  for (const bad of ["", key.id, `${key.id}.`, `${key.id.toUpperCase()}.${parsed!.secret}`, `cgk_00000000000a.${parsed!.secret}`, `${key.key}x`, ` ${key.key}`]) {
    assert.equal(parseApiKey(bad), null, JSON.stringify(bad));
  }
});
