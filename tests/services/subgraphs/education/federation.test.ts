import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { printSubgraphSchema } from "@apollo/subgraph";
import { personIdAt } from "@citygraph/core";
import { startEducation, type Connection, type EducationHarness } from "./harness.ts";

interface PersonEntity {
  id: string;
  enrolment: { grade: number; classNumber: number; school?: { id: string; stage: string } } | null;
}
type Entities = { _entities: (PersonEntity | { id: string; name: string } | null)[] };

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Person { id enrolment { grade classNumber school { id stage } } }
    ... on School { id name stage }
  }
}`;

describe("education subgraph: federation", () => {
  let h: EducationHarness;
  before(async () => {
    h = await startEducation();
  });
  after(async () => h?.stop());

  it("declares School as an entity, extends Person with enrolment, and points at District without resolving it", async () => {
    // Composition prints the SDL in-process (`_service` is not served over HTTP).
    const sdl = printSubgraphSchema(h.app.schema);
    assert.match(sdl, /type School\s+@key\(fields: "id"\)/);
    assert.match(
      sdl,
      /type Person\s+@key\(fields: "id"\)\s*\{\s*id: ID!(?:\s*@classified\([^)]*\))?\s*"""[^"]*"""\s*enrolment: Enrolment(?:\s*@classified\([^)]*\))?\s*\}/,
    );
    assert.match(sdl, /type District\s+@key\(fields: "code", resolvable: false\)\s*\{\s*code: ID!(?:\s*@classified\([^)]*\))?\s*\}/);
  });

  it("resolves 500 persons' enrolments with one SQL statement", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(i));
    const { rows } = await h.pool.query(
      "SELECT person_id, grade, class_number FROM education.enrolment WHERE person_id = ANY($1)",
      [ids],
    );
    assert.ok(rows.length > 20 && rows.length < 500, "some of them are pupils");
    const { response, statements } = await h.counted<{ _entities: PersonEntity[] }>(
      `query($representations: [_Any!]!) {
        _entities(representations: $representations) { ... on Person { id enrolment { grade classNumber } } }
      }`,
      { representations: ids.map((id) => ({ __typename: "Person", id })) },
    );
    assert.equal(response.errors, undefined);
    assert.equal(statements, 1);
    const expected = new Map(rows.map((r) => [r.person_id, { grade: r.grade, classNumber: r.class_number }]));
    const entities = response.data!._entities;
    assert.deepEqual(
      entities.map((e) => e.id),
      ids,
      "in representation order",
    );
    for (const e of entities) assert.deepEqual(e.enrolment, expected.get(e.id) ?? null);
  });

  it("costs the same statements for 1 person as for 500", async () => {
    const { rows } = await h.pool.query("SELECT person_id FROM education.enrolment ORDER BY id LIMIT 500");
    const one = await h.counted<{ _entities: PersonEntity[] }>(ENTITIES, {
      representations: [{ __typename: "Person", id: rows[0].person_id }],
    });
    const many = await h.counted<{ _entities: PersonEntity[] }>(ENTITIES, {
      representations: rows.map((r) => ({ __typename: "Person", id: r.person_id })),
    });
    assert.equal(one.response.errors, undefined);
    assert.equal(many.response.errors, undefined);
    assert.ok(many.response.data!._entities.every((p) => p.enrolment !== null));
    // Enrolments, then the schools they point at.
    assert.equal(one.statements, 2);
    assert.equal(many.statements, 2);
  });

  it("answers a person who is not a pupil, or an id that is not a person's, with a null enrolment", async () => {
    const { rows } = await h.pool.query("SELECT person_id FROM education.enrolment LIMIT 1");
    const { response } = await h.counted<{ _entities: PersonEntity[] }>(ENTITIES, {
      representations: [
        { __typename: "Person", id: "ffffffffffffffff" },
        { __typename: "Person", id: "not-an-id" },
        { __typename: "Person", id: rows[0].person_id },
      ],
    });
    assert.equal(response.errors, undefined);
    const [stranger, malformed, pupil] = response.data!._entities;
    assert.deepEqual([stranger!.enrolment, malformed!.enrolment], [null, null]);
    assert.ok(pupil!.enrolment!.grade >= 1 && pupil!.enrolment!.grade <= 12);
  });

  it("resolves School references in one statement, null for ids that do not exist or are malformed", async () => {
    const representations = [
      ...Array.from({ length: 30 }, (_, i) => ({ __typename: "School", id: String(i + 1) })),
      { __typename: "School", id: "31000" },
      { __typename: "School", id: "abc" },
      { __typename: "School", id: 3 },
    ];
    const { response, statements } = await h.counted<Entities>(ENTITIES, { representations });
    assert.equal(response.errors, undefined);
    const entities = response.data!._entities;
    assert.deepEqual(
      entities.slice(0, 30).map((s) => s?.id),
      representations.slice(0, 30).map((r) => r.id),
    );
    assert.deepEqual(entities.slice(30, 32), [null, null]);
    assert.equal(entities[32]?.id, "3");
    assert.equal(statements, 1);
  });

  it("points an enrolment's student at the registry's Person by pseudonymous id", async () => {
    const { data } = await h.query<{
      schools: Connection<{ enrolments: Connection<{ student: { id: string } }> }>;
    }>(`{ schools(first: 30) { nodes { enrolments(first: 1) { nodes { student { id } } } } } }`);
    const students = data!.schools.nodes.flatMap((s) => s.enrolments.nodes);
    assert.ok(students.length > 0);
    for (const e of students) assert.match(e.student.id, /^[0-9a-f]{16}$/);
  });
});
