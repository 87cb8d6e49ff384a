import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { personIdAt } from "@citygraph/core";
import { firstError, personRepresentations, startHealth, type HealthHarness } from "./harness.ts";

interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
interface PersonEntity {
  id: string;
  healthCode?: { color: string; reason: string | null; assignedAt: string } | null;
  feverClinicVisits?: Page<{
    id: string;
    visitedAt: string;
    temperature: number;
    clinic: { id: string; name: string };
  }>;
  healthDeclarations?: Page<{ id: string; declaredOn: string }>;
}
type Entities<T> = { _entities: (T | null)[] };

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ...fields } }`;

describe("health subgraph: the Person and Community it extends", () => {
  let h: HealthHarness;
  before(async () => {
    h = await startHealth();
  });
  after(async () => {
    await h?.stop();
  });

  test("resolves 500 persons' health codes with one SQL statement", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(i));
    const { response, statements } = await h.counted<Entities<PersonEntity>>(
      `${ENTITIES} fragment fields on Person { id healthCode { color reason assignedAt } }`,
      { representations: personRepresentations(ids) },
    );
    assert.equal(response.errors, undefined);
    const persons = response.data!._entities;
    assert.equal(persons.length, 500);
    assert.deepEqual(
      persons.map((p) => p!.id),
      ids,
    );
    const { rows } = await h.pool.query<{ person_id: string; color: string }>(
      "SELECT person_id, color::text AS color FROM health.health_code WHERE person_id = ANY($1)",
      [ids],
    );
    const expected = new Map(rows.map((r) => [r.person_id, r.color]));
    for (const p of persons) assert.equal(p!.healthCode!.color, expected.get(p!.id));
    assert.ok(
      persons.some((p) => p!.healthCode!.color !== "GREEN"),
      "some codes are yellow or red",
    );
    assert.ok(persons.every((p) => (p!.healthCode!.color === "GREEN") === (p!.healthCode!.reason === null)));
    assert.equal(statements, 1);
  });

  test("resolves 500 persons' visits and declarations with one SQL statement per list", async () => {
    const { rows } = await h.pool.query<{ person_id: string; visits: number; declarations: number }>(
      `SELECT p.person_id,
              (SELECT count(*)::int FROM health.fever_clinic_visit v WHERE v.person_id = p.person_id) AS visits,
              (SELECT count(*)::int FROM health.health_declaration d WHERE d.person_id = p.person_id) AS declarations
       FROM health.health_code p ORDER BY p.person_id LIMIT 500`,
    );
    const { response, statements } = await h.counted<Entities<PersonEntity>>(
      `${ENTITIES} fragment fields on Person {
         id
         feverClinicVisits(first: 3) { nodes { id visitedAt } pageInfo { hasNextPage } }
         healthDeclarations(first: 100) { nodes { id declaredOn } pageInfo { hasNextPage } }
       }`,
      { representations: personRepresentations(rows.map((r) => r.person_id)) },
    );
    assert.equal(response.errors, undefined);
    const persons = response.data!._entities;
    rows.forEach((row, i) => {
      const person = persons[i]!;
      assert.equal(person.feverClinicVisits!.nodes.length, Math.min(3, row.visits));
      assert.equal(person.healthDeclarations!.nodes.length, row.declarations);
    });
    assert.ok(
      rows.some((r) => r.visits > 0) && rows.some((r) => r.declarations > 0),
      "the sample holds visits and declarations",
    );
    assert.equal(statements, 2);
  });

  test("pages a person's fever-clinic visits newest first", async () => {
    const { rows } = await h.pool.query<{ person_id: string }>(
      "SELECT person_id FROM health.fever_clinic_visit GROUP BY person_id HAVING count(*) > 1 ORDER BY person_id LIMIT 1",
    );
    const personId = rows[0]!.person_id;
    const { rows: expected } = await h.pool.query<{ id: number }>(
      "SELECT id FROM health.fever_clinic_visit WHERE person_id = $1 ORDER BY visited_at DESC, id DESC",
      [personId],
    );
    const seen: string[] = [];
    let cursor: string | null = null;
    let statements = 0;
    for (let pages = 0; pages < 10; pages++) {
      const counted: { response: { data?: Entities<PersonEntity> }; statements: number } = await h.counted<
        Entities<PersonEntity>
      >(
        `${ENTITIES} fragment fields on Person {
           feverClinicVisits(first: 1, after: $after) { nodes { id visitedAt temperature clinic { id name } } pageInfo { endCursor hasNextPage } }
         }`.replace(
          "query ($representations: [_Any!]!)",
          "query ($representations: [_Any!]!, $after: String)",
        ),
        { representations: personRepresentations([personId]), after: cursor },
      );
      statements += counted.statements;
      const page = counted.response.data!._entities[0]!.feverClinicVisits!;
      assert.equal(page.nodes.length, 1);
      assert.match(page.nodes[0]!.clinic.name, /发热门诊$/);
      seen.push(page.nodes[0]!.id);
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    assert.deepEqual(
      seen,
      expected.map((r) => String(r.id)),
    );
    // Each page: the visits, then the clinic through its loader.
    assert.equal(statements, 2 * expected.length);
  });

  test("pages a person's health declarations newest day first, within a window of days", async () => {
    const { rows } = await h.pool.query<{ person_id: string; days: string[] }>(
      `SELECT person_id, array_agg(to_char(declared_on, 'YYYY-MM-DD') ORDER BY declared_on DESC) AS days
       FROM health.health_declaration GROUP BY person_id HAVING count(*) = 14 ORDER BY person_id LIMIT 1`,
    );
    const { person_id: personId, days } = rows[0]!;
    const query = `query ($representations: [_Any!]!, $after: String, $from: Date, $to: Date) {
      _entities(representations: $representations) { ... on Person {
        healthDeclarations(first: 5, after: $after, from: $from, to: $to) { nodes { declaredOn } pageInfo { endCursor hasNextPage } }
      } } }`;
    const collect = async (from?: string, to?: string) => {
      const out: string[] = [];
      let cursor: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const response: { data?: Entities<PersonEntity> } = await h.query<Entities<PersonEntity>>(query, {
          representations: personRepresentations([personId]),
          after: cursor,
          from,
          to,
        });
        const page = response.data!._entities[0]!.healthDeclarations!;
        out.push(...page.nodes.map((n) => n.declaredOn));
        if (!page.pageInfo.hasNextPage) break;
        cursor = page.pageInfo.endCursor;
      }
      return out;
    };
    assert.deepEqual(await collect(), days);
    // [from, to): the first day counts, the last does not.
    assert.deepEqual(await collect(days[9], days[2]), days.slice(3, 10));
  });

  test("resolves a malformed person id to null and an unknown one to a person without records", async () => {
    const { response, statements } = await h.counted<Entities<PersonEntity>>(
      `${ENTITIES} fragment fields on Person { id healthCode { color } feverClinicVisits { nodes { id } } }`,
      { representations: personRepresentations(["not-a-person-id", "ffffffffffffffff"]) },
    );
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!._entities, [
      null,
      { id: "ffffffffffffffff", healthCode: null, feverClinicVisits: { nodes: [] } },
    ]);
    assert.equal(statements, 2);
  });

  test("rejects a bad page size on a person's visits, naming the argument", async () => {
    const response = await h.query(
      `${ENTITIES} fragment fields on Person { feverClinicVisits(first: 101) { nodes { id } } }`,
      { representations: personRepresentations([personIdAt(0)]) },
    );
    assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "first" });
  });

  test("resolves fever-clinic references with one SQL statement", async () => {
    const representations = [
      ...Array.from({ length: 60 }, (_, i) => ({ __typename: "FeverClinic", id: String(i + 1) })),
      { __typename: "FeverClinic", id: "61" },
      { __typename: "FeverClinic", id: "x" },
    ];
    const { response, statements } = await h.counted<
      Entities<{ id: string; name: string; district: { code: string } }>
    >(`${ENTITIES} fragment fields on FeverClinic { id name district { code } }`, { representations });
    assert.equal(response.errors, undefined);
    const clinics = response.data!._entities;
    assert.deepEqual(
      clinics.slice(0, 60).map((c) => c!.id),
      representations.slice(0, 60).map((r) => r.id),
    );
    assert.deepEqual(clinics.slice(60), [null, null]);
    assert.equal(statements, 1);
  });

  test("resolves every community's risk tier with one SQL statement, ids arriving as strings", async () => {
    const { rows } = await h.pool.query<{ community_id: number; level: string }>(
      "SELECT community_id, level::text AS level FROM health.community_risk_tier ORDER BY community_id",
    );
    assert.equal(rows.length, 122);
    const representations = [
      ...rows.map((r) => ({ __typename: "Community", id: String(r.community_id) })),
      { __typename: "Community", id: "1.5" },
      { __typename: "Community", id: "999999" },
    ];
    const { response, statements } = await h.counted<
      Entities<{ id: string; riskTier: { level: string; since: string; reason: string } | null }>
    >(`${ENTITIES} fragment fields on Community { id riskTier { level since reason } }`, { representations });
    assert.equal(response.errors, undefined);
    const communities = response.data!._entities;
    rows.forEach((row, i) => {
      assert.equal(communities[i]!.id, String(row.community_id));
      assert.equal(communities[i]!.riskTier!.level, row.level);
      assert.match(communities[i]!.riskTier!.since, /^\d{4}-\d{2}-\d{2}$/);
    });
    assert.equal(communities[rows.length], null, "a non-integer id is no community");
    assert.deepEqual(communities[rows.length + 1], { id: "999999", riskTier: null });
    assert.equal(statements, 1);
  });
});
