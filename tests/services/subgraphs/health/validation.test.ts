import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { encodeCursor, personIdAt } from "@citygraph/core";
import {
  firstError,
  personRepresentations,
  startHealth,
  type HealthHarness,
  type Response,
} from "./harness.ts";

describe("health subgraph: bad input", () => {
  let h: HealthHarness;
  before(async () => {
    h = await startHealth();
  });
  after(async () => {
    await h?.stop();
  });

  const assertBadInput = (response: Response<unknown>, argumentName: string) => {
    assert.deepEqual(
      firstError(response),
      { code: "BAD_USER_INPUT", argumentName },
      JSON.stringify(response.errors),
    );
  };

  test("rejects a district code that is not one of Zhengzhou's sixteen on every list", async () => {
    for (const district of ["410101", "41010", "金水区", ""]) {
      const queries = [
        `{ feverClinics(district: ${JSON.stringify(district)}) { id } }`,
        `{ feverClinicVisits(district: ${JSON.stringify(district)}) { nodes { id } } }`,
        `{ healthDeclarations(district: ${JSON.stringify(district)}) { nodes { id } } }`,
        `{ communityRiskTiers(district: ${JSON.stringify(district)}) { nodes { level } } }`,
        `{ caseCounts(district: ${JSON.stringify(district)}, from: "2026-11-01", to: "2026-11-02") { date } }`,
      ];
      for (const query of queries) assertBadInput(await h.query(query), "district");
    }
  });

  test("rejects a date range whose start is after its end", async () => {
    assertBadInput(
      await h.query(
        `{ feverClinicVisits(from: "2026-11-10T00:00:00Z", to: "2026-11-01T00:00:00Z") { nodes { id } } }`,
      ),
      "to",
    );
    assertBadInput(
      await h.query(`{ healthDeclarations(from: "2026-11-10", to: "2026-11-01") { nodes { id } } }`),
      "to",
    );
    assertBadInput(await h.query(`{ caseCounts(from: "2026-11-10", to: "2026-11-01") { date } }`), "to");
    const person = await h.query(
      `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Person { healthDeclarations(from: "2026-11-10", to: "2026-11-10") { nodes { id } } } } }`,
      { r: personRepresentations([personIdAt(1)]) },
    );
    assertBadInput(person, "to");
  });

  test("rejects a case-count window longer than 366 days", async () => {
    assertBadInput(await h.query(`{ caseCounts(from: "2025-01-01", to: "2026-01-03") { date } }`), "to");
    const year = await h.query<{ caseCounts: unknown[] }>(
      `{ caseCounts(from: "2025-11-20", to: "2026-11-20") { date } }`,
    );
    assert.equal(year.errors, undefined, "a whole year fits");
  });

  test("rejects a page size outside 1-100", async () => {
    for (const first of [0, -1, 101]) {
      assertBadInput(await h.query(`{ feverClinicVisits(first: ${first}) { nodes { id } } }`), "first");
      assertBadInput(await h.query(`{ healthDeclarations(first: ${first}) { nodes { id } } }`), "first");
      assertBadInput(await h.query(`{ communityRiskTiers(first: ${first}) { nodes { level } } }`), "first");
    }
  });

  test("rejects a cursor that this list did not return", async () => {
    const forged = [
      "not a cursor",
      encodeCursor(["2026-11-01T00:00:00.000Z"]),
      encodeCursor(["yesterday", 5]),
      encodeCursor(["2026-11-01T00:00:00.000Z", -3]),
      encodeCursor(["2026-11-01T00:00:00.000Z", "5"]),
      encodeCursor(["2026-11-01T00:00:00.000Z", 2 ** 40]),
      encodeCursor(["2026-02-30", 5]),
      encodeCursor(["2026-02-30T00:00:00.000Z", 5]),
    ];
    const declarationCursor = encodeCursor(["2026-11-10", 12]);
    const visitCursor = encodeCursor(["2026-11-01T00:00:00.000Z", 12]);
    for (const after of [...forged, declarationCursor]) {
      assertBadInput(
        await h.query(`query ($a: String) { feverClinicVisits(after: $a) { nodes { id } } }`, { a: after }),
        "after",
      );
    }
    for (const after of [...forged, visitCursor]) {
      assertBadInput(
        await h.query(`query ($a: String) { healthDeclarations(after: $a) { nodes { id } } }`, { a: after }),
        "after",
      );
    }
    for (const after of [
      visitCursor,
      encodeCursor([0]),
      encodeCursor(["7"]),
      encodeCursor([2 ** 40]),
      encodeCursor([1.5]),
    ]) {
      assertBadInput(
        await h.query(`query ($a: String) { communityRiskTiers(after: $a) { nodes { level } } }`, {
          a: after,
        }),
        "after",
      );
    }
    const person = await h.query(
      `query ($r: [_Any!]!, $a: String) { _entities(representations: $r) { ... on Person { feverClinicVisits(after: $a) { nodes { id } } } } }`,
      { r: personRepresentations([personIdAt(1)]), a: declarationCursor },
    );
    assertBadInput(person, "after");
  });

  test("rejects an impossible date or time as bad input without reaching the database", async () => {
    const before = h.app.stats.statements;
    const date = await h.query(
      `query ($from: Date!) { caseCounts(from: $from, to: "2026-11-01") { date } }`,
      { from: "2026-02-30" },
    );
    assert.equal(firstError(date).code, "BAD_USER_INPUT");
    const time = await h.query(`query ($to: DateTime) { feverClinicVisits(to: $to) { nodes { id } } }`, {
      to: "noon",
    });
    assert.equal(firstError(time).code, "BAD_USER_INPUT");
    assert.equal(h.app.stats.statements, before);
  });
});
