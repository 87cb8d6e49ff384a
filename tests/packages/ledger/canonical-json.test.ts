import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LedgerEntryError, canonicalJson, ledgerIdentityOf, normalizeEntry } from "@citygraph/ledger";
import { isCanonicalJsonOf } from "../../../packages/ledger/src/canonical-json.ts";
import { ANONYMOUS, grantSetOf } from "@citygraph/core";
import { sampleEntry } from "./harness.ts";

describe("canonicalJson", () => {
  it("sorts keys at every depth and writes no whitespace", () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: true, y: null }], c: "x" } }), '{"a":{"c":"x","d":[3,{"y":null,"z":true}]},"b":1}');
  });

  it("gives equal values the same string whatever the key order", () => {
    assert.equal(canonicalJson({ x: 1, y: [1, 2], z: "中文" }), canonicalJson({ z: "中文", y: [1, 2], x: 1 }));
  });

  it("leaves out undefined members and escapes strings as JSON does", () => {
    assert.equal(canonicalJson({ a: undefined, b: 'q"\n\u2028' }), `{"b":${JSON.stringify('q"\n\u2028')}}`);
  });

  it("refuses what JSON cannot say", () => {
    assert.throws(() => canonicalJson({ n: Number.NaN }), TypeError);
    assert.throws(() => canonicalJson({ n: 1n }), TypeError);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.throws(() => canonicalJson(circular), /circular/);
  });
});

describe("ledger entries", () => {
  it("are normalised: millisecond UTC time, sorted fields and subjects, most restrictive decision per coordinate", () => {
    const entry = normalizeEntry(
      sampleEntry(1, {
        time: "2026-11-27T16:00:00.123456+08:00",
        fields: [
          { coordinate: "Person.phone", decision: "full" },
          { coordinate: "Person.name", decision: "full" },
          { coordinate: "Person.phone", decision: "masked" },
        ],
        subjects: ["b", "a", "b"],
      }),
    );
    assert.equal(entry.time, "2026-11-27T08:00:00.123Z");
    assert.deepEqual(entry.fields, [
      { coordinate: "Person.name", decision: "full" },
      { coordinate: "Person.phone", decision: "masked" },
    ]);
    assert.deepEqual(entry.subjects, ["a", "b"]);
  });

  it("refuse missing or malformed members, naming them", () => {
    assert.throws(() => normalizeEntry(sampleEntry(1, { requestId: "" })), /requestId/);
    assert.throws(() => normalizeEntry(sampleEntry(1, { outcome: "maybe" as never })), /outcome/);
    assert.throws(() => normalizeEntry(sampleEntry(1, { rowCount: -1 })), /rowCount/);
    assert.throws(() => normalizeEntry(sampleEntry(1, { latencyMs: Number.POSITIVE_INFINITY })), /latencyMs/);
    assert.throws(() => normalizeEntry(sampleEntry(1, { principal: { kind: "root" as never, subject: "x" } })), LedgerEntryError);
  });

  it("take who, agreement and purpose from a principal", () => {
    assert.deepEqual(ledgerIdentityOf(ANONYMOUS), { principal: { kind: "anonymous", subject: "anonymous" } });
    const agreement = ledgerIdentityOf({
      kind: "agreement",
      subject: "k1",
      org: "某某科技有限公司",
      agreementId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      purpose: "traffic-planning",
      scopes: [],
      grants: grantSetOf([]),
    });
    assert.deepEqual(agreement, {
      principal: { kind: "agreement", subject: "k1", org: "某某科技有限公司" },
      agreementId: "0f8fad5b-d9cb-469f-a165-70867728950e",
      purpose: "traffic-planning",
    });
  });

  it("recognises canonical text exactly as rebuilding it with canonicalJson would", () => {
    const values: unknown[] = [
      { b: 1, a: { d: [3, { z: true, y: null }], c: "x" } },
      { "10": 2, "9": 1, b: [{}] },
      { "": 0, "\u00e9": "中文", e: -0, big: 1e21, tiny: 5e-7 },
      [1, "two", null, [{ k: 'q"\n\u2028' }]],
      "plain",
    ];
    for (const value of values) {
      const canonical = canonicalJson(value);
      assert.equal(isCanonicalJsonOf(canonical, JSON.parse(canonical)), true, canonical);
      const reordered = JSON.stringify(value, null, 0);
      assert.equal(isCanonicalJsonOf(reordered, JSON.parse(reordered)), reordered === canonical, reordered);
      const spaced = JSON.stringify(value, null, 1);
      assert.equal(isCanonicalJsonOf(spaced, JSON.parse(spaced)), spaced === canonical, spaced);
    }
    assert.equal(isCanonicalJsonOf('{"a":1,"a":2}', JSON.parse('{"a":1,"a":2}')), false, "a duplicate key is not canonical");
  });
});
