import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { printSubgraphSchema } from "@apollo/subgraph";
import { personIdAt, populationSize } from "@citygraph/core";
import {
  firstError,
  startTransport,
  type Connection,
  type Response,
  type TransportHarness,
} from "./harness.ts";

interface PersonNode {
  id: string;
  crossings: Connection<{ id: string; time: string; checkpoint: { code: string } }>;
  travellerRegistrations: Connection<{ id: string; arrivalDate: string; originCity: string }>;
}

type Entities = { _entities: PersonNode[] };

const CROSSINGS = `query($representations: [_Any!]!, $first: Int, $after: String, $from: DateTime, $to: DateTime) {
  _entities(representations: $representations) {
    ... on Person { id crossings(first: $first, after: $after, from: $from, to: $to) { nodes { id time } pageInfo { endCursor hasNextPage } } }
  }
}`;

const BOTH = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Person {
      id
      crossings(first: 5) { nodes { id time checkpoint { code } } pageInfo { endCursor hasNextPage } }
      travellerRegistrations { nodes { id arrivalDate originCity } pageInfo { endCursor hasNextPage } }
    }
  }
}`;

const persons = (ids: string[]) => ids.map((id) => ({ __typename: "Person", id }));

describe("transport subgraph: Person extensions", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  it("declares Person by its key only, extended with crossings and traveller registrations", async () => {
    // Composition prints the SDL in-process (`_service` is not served over HTTP).
    const sdl = printSubgraphSchema(h.app.schema);
    assert.match(sdl, /type Person\s+@key\(fields: "id"\)\s*\{\s*id: ID! @classified\(level: "PUBLIC"\)/);
    // Nullable: a caller denied these still gets the rest of the person.
    assert.match(
      sdl,
      /crossings\([^)]*\): CheckpointCrossingConnection @classified\(level: "SENSITIVE", kind: "LOCATION"\)/,
    );
    assert.match(
      sdl,
      /travellerRegistrations\([^)]*\): TravellerRegistrationConnection @classified\(level: "SENSITIVE", kind: "TRAVEL"\)/,
    );
    assert.match(
      sdl,
      /type District\s+@key\(fields: "code", resolvable: false\)\s*\{\s*code: ID! @classified\(level: "PUBLIC"\)\s*\}/,
    );
    assert.match(sdl, /type Checkpoint\s+@key\(fields: "code"\)/);
  });

  it("pages a person's crossings newest first", async () => {
    const { rows: busiest } = await h.pool.query<{ person_id: string }>(
      `SELECT person_id FROM transport.checkpoint_crossing GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const id = busiest[0]!.person_id;
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE person_id = $1 ORDER BY time DESC, id DESC`,
      [id],
    );
    assert.ok(rows.length > 20, "a regular commuter crosses often");
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const { data, errors }: Response<Entities> = await h.query<Entities>(CROSSINGS, {
        representations: persons([id]),
        first: 7,
        after: cursor,
      });
      assert.equal(errors, undefined);
      const page: PersonNode["crossings"] = data!._entities[0]!.crossings;
      seen.push(...page.nodes.map((n) => Number(n.id)));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    assert.deepEqual(
      seen,
      rows.map((r) => r.id),
    );
  });

  it("filters a person's crossings to a time window", async () => {
    const { rows: busiest } = await h.pool.query<{ person_id: string }>(
      `SELECT person_id FROM transport.checkpoint_crossing GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const id = busiest[0]!.person_id;
    const from = "2026-11-01T00:00:00+08:00";
    const to = "2026-11-08T00:00:00+08:00";
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE person_id = $1 AND time >= $2 AND time < $3 ORDER BY time DESC, id DESC`,
      [id, from, to],
    );
    const { data, errors } = await h.query<Entities>(CROSSINGS, {
      representations: persons([id]),
      first: 100,
      from,
      to,
    });
    assert.equal(errors, undefined);
    assert.deepEqual(
      data!._entities[0]!.crossings.nodes.map((n) => Number(n.id)),
      rows.map((r) => r.id),
    );
  });

  it("rejects a person's crossing window whose start is after its end", async () => {
    const response = await h.query(CROSSINGS, {
      representations: persons([personIdAt(0)]),
      from: "2026-11-08T00:00:00Z",
      to: "2026-11-01T00:00:00Z",
    });
    assert.equal(firstError(response).code, "BAD_USER_INPUT");
    assert.equal(firstError(response).argumentName, "to");
  });

  it("resolves 500 persons' crossings with one SQL statement", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(i));
    const { rows } = await h.pool.query<{ person_id: string; ids: number[] }>(
      `SELECT person_id, (array_agg(id ORDER BY time DESC, id DESC))[1:3] AS ids
       FROM transport.checkpoint_crossing WHERE person_id = ANY($1) GROUP BY person_id`,
      [ids],
    );
    const expected = new Map(rows.map((r) => [r.person_id, r.ids]));
    const { response, statements } = await h.counted<Entities>(CROSSINGS, {
      representations: persons(ids),
      first: 3,
    });
    assert.equal(response.errors, undefined);
    assert.equal(statements, 1);
    const entities = response.data!._entities;
    assert.deepEqual(
      entities.map((e) => e.id),
      ids,
      "in representation order",
    );
    for (const e of entities)
      assert.deepEqual(
        e.crossings.nodes.map((n) => Number(n.id)),
        expected.get(e.id) ?? [],
      );
  });

  it("costs the same statements for 1 person as for 500, crossings and registrations together", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(i));
    const one = await h.counted<Entities>(BOTH, { representations: persons(ids.slice(0, 1)) });
    const many = await h.counted<Entities>(BOTH, { representations: persons(ids) });
    assert.equal(one.response.errors, undefined);
    assert.equal(many.response.errors, undefined);
    // Crossings, registrations, then the checkpoints the crossings point at.
    assert.equal(one.statements, 3);
    assert.equal(many.statements, 3);
    assert.ok(many.response.data!._entities.some((p) => p.travellerRegistrations.nodes.length > 0));
  });

  it("lists a person's traveller registrations, latest arrival first", async () => {
    const { rows: registrants } = await h.pool.query<{ person_id: string }>(
      `SELECT person_id FROM transport.traveller_registration GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const id = registrants[0]!.person_id;
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.traveller_registration WHERE person_id = $1 ORDER BY arrival_date DESC, id DESC`,
      [id],
    );
    const { data, errors } = await h.query<Entities>(BOTH, { representations: persons([id]) });
    assert.equal(errors, undefined);
    assert.deepEqual(
      data!._entities[0]!.travellerRegistrations.nodes.map((n) => Number(n.id)),
      rows.map((r) => r.id),
    );
  });

  it("gives a person this subgraph knows nothing about empty lists, not an error", async () => {
    const stranger = personIdAt(populationSize(1).persons + 12_345);
    const { data, errors } = await h.query<Entities>(BOTH, {
      representations: persons([stranger, "not-an-id"]),
    });
    assert.equal(errors, undefined);
    for (const e of data!._entities) {
      assert.deepEqual(e.crossings, { nodes: [], pageInfo: { endCursor: null, hasNextPage: false } });
      assert.deepEqual(e.travellerRegistrations.nodes, []);
    }
  });
});
