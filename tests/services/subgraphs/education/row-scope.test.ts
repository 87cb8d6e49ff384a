import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ALL_SCOPES, gatewayCaller, type GatewayCaller } from "../../../support/security.ts";
import { startEducation, type Connection, type EducationHarness, type Response } from "./harness.ts";

/** The district the scoped principal may see: 金水区, which has the most schools. */
const SCOPE = "410105";
/** A district outside the scope that has schools at scale 1. */
const OTHER = "410102";

interface SchoolNode {
  id: string;
  district: { code: string };
}
interface ReopeningNode {
  school: { id: string; district: { code: string } };
}
type Entities = {
  _entities: ({ id: string; enrolment?: { grade: number; school: { id: string } } | null } | null)[];
};

const SCHOOLS = `query($first: Int, $after: String, $district: String) {
  schools(first: $first, after: $after, district: $district) {
    nodes { id district { code } }
    pageInfo { endCursor hasNextPage }
  }
}`;
const REOPENINGS = `query($district: String) {
  schoolReopenings(first: 100, district: $district) { nodes { school { id district { code } } } }
}`;
const ROSTERS = `{
  schools(first: 100) { nodes { id enrolments(first: 100) { nodes { id school { id } } pageInfo { hasNextPage } } } }
}`;
const CHECKS = `query($school: ID!) {
  schoolHealthChecks(school: $school, from: "2026-11-06", to: "2026-11-20") { date school { id } }
}`;
const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on School { id }
    ... on Person { id enrolment { grade school { id } } }
  }
}`;

describe("education subgraph: row scope", () => {
  let h: EducationHarness;
  let scoped: GatewayCaller;
  let unscoped: GatewayCaller;
  /** School ids by district, from SQL. */
  let inScope: number[];
  let outOfScope: number[];

  before(async () => {
    h = await startEducation();
    scoped = gatewayCaller("education", ALL_SCOPES, [SCOPE]);
    unscoped = gatewayCaller("education", ALL_SCOPES);
    const { rows } = await h.pool.query<{ id: number; district_code: string }>(
      "SELECT id, district_code FROM education.school ORDER BY id",
    );
    inScope = rows.filter((r) => r.district_code === SCOPE).map((r) => r.id);
    outOfScope = rows.filter((r) => r.district_code !== SCOPE).map((r) => r.id);
    assert.ok(inScope.length > 0 && outOfScope.length > 0, "the seed has schools in and out of scope");
    assert.ok(rows.some((r) => r.district_code === OTHER), `the seed has schools in ${OTHER}`);
  });
  after(async () => h?.stop());

  async function schoolIds(headers: GatewayCaller, variables: Record<string, unknown> = {}) {
    const ids: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const response: Response<{ schools: Connection<SchoolNode> }> = await h.query(
        SCHOOLS,
        { first: 4, ...variables, after },
        headers,
      );
      assert.equal(response.errors, undefined);
      ids.push(...response.data!.schools.nodes.map((s) => Number(s.id)));
      if (!response.data!.schools.pageInfo.hasNextPage) return ids;
      after = response.data!.schools.pageInfo.endCursor;
    }
    throw new Error("pagination did not end");
  }

  it("lists only the schools of the scoped districts, across pages", async () => {
    assert.deepEqual(await schoolIds(scoped), inScope);
    assert.deepEqual(await schoolIds(scoped, { district: SCOPE }), inScope);
  });

  it("returns no schools or reopenings for an explicit district outside the scope", async () => {
    assert.deepEqual(await schoolIds(scoped, { district: OTHER }), []);
    const reopenings = await h.query<{ schoolReopenings: Connection<ReopeningNode> }>(
      REOPENINGS,
      { district: OTHER },
      scoped,
    );
    assert.equal(reopenings.errors, undefined);
    assert.deepEqual(reopenings.data!.schoolReopenings.nodes, []);
  });

  it("lists only the reopening records of the scoped districts", async () => {
    const { rows } = await h.pool.query(
      "SELECT school_id FROM education.school_reopening WHERE district_code = $1 ORDER BY school_id",
      [SCOPE],
    );
    assert.ok(rows.length > 0);
    const { data, errors } = await h.query<{ schoolReopenings: Connection<ReopeningNode> }>(REOPENINGS, {}, scoped);
    assert.equal(errors, undefined);
    assert.deepEqual(
      data!.schoolReopenings.nodes.map((r) => Number(r.school.id)),
      rows.map((r) => r.school_id),
    );
    assert.ok(data!.schoolReopenings.nodes.every((r) => r.school.district.code === SCOPE));
  });

  it("lists the rosters of in-scope schools only", async () => {
    const { data, errors } = await h.query<{
      schools: Connection<{ id: string; enrolments: Connection<{ id: string; school: { id: string } }> }>;
    }>(ROSTERS, {}, scoped);
    assert.equal(errors, undefined);
    const schools = data!.schools.nodes;
    assert.deepEqual(
      schools.map((s) => Number(s.id)),
      inScope,
    );
    assert.ok(schools.some((s) => s.enrolments.nodes.length > 0));
    for (const s of schools) for (const e of s.enrolments.nodes) assert.equal(e.school.id, s.id);
  });

  it("answers school(id) of an out-of-scope school with null, and of an in-scope school with the school", async () => {
    const { data, errors } = await h.query<{ inside: SchoolNode | null; outside: SchoolNode | null }>(
      `query($inside: ID!, $outside: ID!) {
        inside: school(id: $inside) { id district { code } }
        outside: school(id: $outside) { id district { code } }
      }`,
      { inside: String(inScope[0]), outside: String(outOfScope[0]) },
      scoped,
    );
    assert.equal(errors, undefined);
    assert.deepEqual(data!.inside, { id: String(inScope[0]), district: { code: SCOPE } });
    assert.equal(data!.outside, null);
  });

  it("returns no health checks of an out-of-scope school", async () => {
    const outside = await h.query<{ schoolHealthChecks: unknown[] }>(CHECKS, { school: String(outOfScope[0]) }, scoped);
    assert.equal(outside.errors, undefined);
    assert.deepEqual(outside.data!.schoolHealthChecks, []);
    const inside = await h.query<{ schoolHealthChecks: unknown[] }>(CHECKS, { school: String(inScope[0]) }, scoped);
    assert.equal(inside.data!.schoolHealthChecks.length, 14);
  });

  it("resolves _entities representations of out-of-scope schools to null, in one statement", async () => {
    const ids = [...inScope, ...outOfScope].sort((a, b) => a - b);
    const { response, statements } = await h.counted<Entities>(
      ENTITIES,
      { representations: ids.map((id) => ({ __typename: "School", id: String(id) })) },
      scoped,
    );
    assert.equal(response.errors, undefined);
    assert.deepEqual(
      response.data!._entities.map((e) => e?.id ?? null),
      ids.map((id) => (inScope.includes(id) ? String(id) : null)),
    );
    assert.equal(statements, 1);
  });

  it("gives Person.enrolment null for a pupil enrolled out of scope, and the enrolment for one in scope", async () => {
    const pupil = async (inside: boolean) => {
      const { rows } = await h.pool.query(
        `SELECT person_id, school_id FROM education.enrolment WHERE (district_code = $1) = $2 ORDER BY id LIMIT 1`,
        [SCOPE, inside],
      );
      return rows[0] as { person_id: string; school_id: number };
    };
    const [local, remote] = [await pupil(true), await pupil(false)];
    const { data, errors } = await h.query<Entities>(
      ENTITIES,
      {
        representations: [
          { __typename: "Person", id: remote.person_id },
          { __typename: "Person", id: local.person_id },
        ],
      },
      scoped,
    );
    assert.equal(errors, undefined);
    const [outside, inside] = data!._entities;
    assert.deepEqual(outside, { id: remote.person_id, enrolment: null });
    assert.equal(inside!.enrolment!.school.id, String(local.school_id));
  });

  it("filters a school's roster, reopening and health checks by each row's own district, not by the school's", async () => {
    // Rows whose copied district disagrees with their school's: the child queries must filter too.
    const schoolId = inScope[0]!;
    const { rows } = await h.pool.query(
      "SELECT id FROM education.enrolment WHERE school_id = $1 ORDER BY grade, class_number, id LIMIT 1",
      [schoolId],
    );
    const moved = rows[0].id as number;
    const move = (district: string) =>
      Promise.all([
        h.pool.query("UPDATE education.enrolment SET district_code = $2 WHERE id = $1", [moved, district]),
        h.pool.query("UPDATE education.school_reopening SET district_code = $2 WHERE school_id = $1", [schoolId, district]),
        h.pool.query("UPDATE education.school_health_check SET district_code = $2 WHERE school_id = $1", [schoolId, district]),
      ]);
    await move(OTHER);
    try {
      const { data, errors } = await h.query<{
        school: {
          enrolments: Connection<{ id: string }>;
          reopening: { status: string } | null;
          healthChecks: { date: string }[];
        };
      }>(
        `query($id: ID!) {
          school(id: $id) {
            enrolments(first: 100) { nodes { id } pageInfo { hasNextPage } }
            reopening { status }
            healthChecks(from: "2026-11-06", to: "2026-11-20") { date }
          }
        }`,
        { id: String(schoolId) },
        scoped,
      );
      assert.equal(errors, undefined);
      assert.ok(data!.school.enrolments.nodes.length > 0);
      assert.ok(!data!.school.enrolments.nodes.some((e) => e.id === String(moved)));
      assert.equal(data!.school.reopening, null);
      assert.deepEqual(data!.school.healthChecks, []);
    } finally {
      await move(SCOPE);
    }
  });

  it("sees no rows at all with an empty district list", async () => {
    const none = gatewayCaller("education", ALL_SCOPES, []);
    assert.deepEqual(await schoolIds(none), []);
    const { data } = await h.query<{ schoolReopenings: Connection<ReopeningNode> }>(REOPENINGS, {}, none);
    assert.deepEqual(data!.schoolReopenings.nodes, []);
  });

  it("sees the rows of every scoped district when the scope lists several", async () => {
    const both = gatewayCaller("education", ALL_SCOPES, [SCOPE, OTHER]);
    const { rows } = await h.pool.query(
      "SELECT id FROM education.school WHERE district_code = ANY($1) ORDER BY id",
      [[SCOPE, OTHER]],
    );
    assert.deepEqual(
      await schoolIds(both),
      rows.map((r) => r.id),
    );
  });

  it("lets the unscoped principal see every district's rows", async () => {
    assert.deepEqual(
      await schoolIds(unscoped),
      [...inScope, ...outOfScope].sort((a, b) => a - b),
    );
    assert.ok((await schoolIds(unscoped, { district: OTHER })).length > 0);
    const { rows } = await h.pool.query(
      "SELECT person_id FROM education.enrolment WHERE district_code <> $1 ORDER BY id LIMIT 1",
      [SCOPE],
    );
    const { data } = await h.query<Entities>(
      ENTITIES,
      { representations: [{ __typename: "Person", id: rows[0].person_id }] },
      unscoped,
    );
    assert.ok(data!._entities[0]!.enrolment);
    const checks = await h.query<{ schoolHealthChecks: unknown[] }>(CHECKS, { school: String(outOfScope[0]) }, unscoped);
    assert.equal(checks.data!.schoolHealthChecks.length, 14);
  });

  it("refuses the same request without any token with HTTP 401", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: SCHOOLS, variables: { first: 4 } }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Response<unknown>;
    assert.equal(body.data ?? undefined, undefined);
  });
});
