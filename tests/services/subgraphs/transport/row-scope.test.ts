import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { connectPrisma, type PrismaConnection } from "@citygraph/core";
import { PrismaClient } from "../../../../services/subgraphs/transport/prisma/generated/client.ts";
import { CheckpointRepository } from "../../../../services/subgraphs/transport/src/checkpoint/checkpoint.repository.ts";
import { CheckpointCrossingRepository } from "../../../../services/subgraphs/transport/src/checkpoint-crossing/checkpoint-crossing.repository.ts";
import { TravellerRegistrationRepository } from "../../../../services/subgraphs/transport/src/traveller-registration/traveller-registration.repository.ts";
import { ALL_SCOPES, gatewayCaller, type GatewayCaller } from "../../../support/security.ts";
import { startTransport, type Connection, type Response, type TransportHarness } from "./harness.ts";

const IN_SCOPE = "410105";
const OTHER = "410102";
/** 绕城高速杨金站 (金水区, in scope) and 连霍高速须水站 (中原区, not). */
const OWN_CHECKPOINT = "410105001";
const OTHER_CHECKPOINT = "410102001";
/** A 24-hour window: a crossings list without checkpoint, district or plate needs one. */
const DAY = { from: "2026-11-10T00:00:00+08:00", to: "2026-11-11T00:00:00+08:00" };

const CROSSINGS = `query($after: String, $checkpoint: String, $district: String, $from: DateTime, $to: DateTime) {
  crossings(first: 100, after: $after, checkpoint: $checkpoint, district: $district, from: $from, to: $to) {
    nodes { id checkpoint { code } district { code } } pageInfo { endCursor hasNextPage }
  }
}`;

const REGISTRATIONS = `query($after: String, $district: String) {
  travellerRegistrations(first: 100, after: $after, district: $district) {
    nodes { id destinationDistrict { code } } pageInfo { endCursor hasNextPage }
  }
}`;

const CHECKPOINTS = `query($district: String) { checkpoints(district: $district) { code district { code } } }`;

const PERSON_EXTENSIONS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Person {
  id
  crossings(first: 100) { nodes { id checkpoint { code district { code } } } pageInfo { hasNextPage } }
  travellerRegistrations(first: 100) { nodes { id destinationDistrict { code } } }
} } }`;

interface PersonNode {
  id: string;
  crossings: Connection<{ id: string; checkpoint: { code: string; district: { code: string } } }>;
  travellerRegistrations: Connection<{ id: string; destinationDistrict: { code: string } }>;
}

/** Row scope: a principal limited to some districts sees only their rows, in every list, lookup and reference. */
describe("row scope of transport data", () => {
  let h: TransportHarness;
  let scoped: GatewayCaller;
  let unscoped: GatewayCaller;
  /** A person who crossed both in and out of the scope; one who crossed only outside it. */
  let mixedTraveller: string;
  let outsideTraveller: string;
  /** A person registered to stay in the scope, and one registered only elsewhere. */
  let registeredInside: string;
  let registeredOutside: string;

  async function ids(sql: string, params: unknown[] = []): Promise<number[]> {
    const { rows } = await h.pool.query<{ id: number }>(sql, params);
    return rows.map((r) => r.id);
  }

  async function onePerson(sql: string): Promise<string> {
    const { rows } = await h.pool.query<{ person_id: string }>(sql, [IN_SCOPE]);
    assert.ok(rows[0], sql);
    return rows[0].person_id;
  }

  /** Every node of a list, following `endCursor` with the caller's headers. */
  async function all<T>(query: string, field: string, headers: GatewayCaller, variables: Record<string, unknown> = {}) {
    const nodes: T[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 200; pages++) {
      const response: Response<Record<string, Connection<T>>> = await h.send(query, { ...variables, after: cursor }, headers);
      assert.equal(response.errors, undefined, JSON.stringify(response.errors));
      const page = response.data![field]!;
      nodes.push(...page.nodes);
      if (!page.pageInfo.hasNextPage) return nodes;
      cursor = page.pageInfo.endCursor;
    }
    assert.fail("too many pages");
  }

  async function personExtensions(personIds: string[], headers: GatewayCaller) {
    const response = await h.send<{ _entities: PersonNode[] }>(
      PERSON_EXTENSIONS,
      { r: personIds.map((id) => ({ __typename: "Person", id })) },
      headers,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!._entities;
  }

  before(async () => {
    h = await startTransport();
    scoped = gatewayCaller("transport", ALL_SCOPES, [IN_SCOPE]);
    unscoped = gatewayCaller("transport", ALL_SCOPES);
    mixedTraveller = await onePerson(
      `SELECT person_id FROM transport.checkpoint_crossing GROUP BY person_id
       HAVING bool_or(district_code = $1) AND bool_or(district_code <> $1) ORDER BY person_id LIMIT 1`,
    );
    outsideTraveller = await onePerson(
      `SELECT person_id FROM transport.checkpoint_crossing GROUP BY person_id
       HAVING NOT bool_or(district_code = $1) ORDER BY person_id LIMIT 1`,
    );
    registeredInside = await onePerson(
      `SELECT person_id FROM transport.traveller_registration WHERE district_code = $1 ORDER BY id LIMIT 1`,
    );
    registeredOutside = await onePerson(
      `SELECT person_id FROM transport.traveller_registration GROUP BY person_id
       HAVING NOT bool_or(district_code = $1) ORDER BY person_id LIMIT 1`,
    );
  });
  after(async () => h?.stop());

  it("lists only the checkpoints of the scoped districts", async () => {
    const response = await h.send<{ checkpoints: { code: string; district: { code: string } }[] }>(CHECKPOINTS, {}, scoped);
    assert.equal(response.errors, undefined);
    const expected = await h.pool.query<{ code: string }>(
      `SELECT code FROM transport.checkpoint WHERE district_code = $1 ORDER BY code`,
      [IN_SCOPE],
    );
    assert.ok(expected.rows.length >= 3);
    assert.deepEqual(
      response.data!.checkpoints.map((c) => c.code),
      expected.rows.map((r) => r.code),
    );
    assert.ok(response.data!.checkpoints.every((c) => c.district.code === IN_SCOPE));
  });

  it("pages only the scoped districts' crossings, with or without a district argument", async () => {
    const byDistrict = await all<{ id: string; district: { code: string } }>(CROSSINGS, "crossings", scoped, {
      district: IN_SCOPE,
    });
    assert.deepEqual(
      byDistrict.map((n) => Number(n.id)),
      await ids(
        `SELECT id FROM transport.checkpoint_crossing WHERE district_code = $1 ORDER BY time DESC, id DESC`,
        [IN_SCOPE],
      ),
    );
    const cityWide = await all<{ id: string; district: { code: string } }>(CROSSINGS, "crossings", scoped, DAY);
    const expected = await ids(
      `SELECT id FROM transport.checkpoint_crossing WHERE district_code = $1 AND time >= $2 AND time < $3
       ORDER BY time DESC, id DESC`,
      [IN_SCOPE, DAY.from, DAY.to],
    );
    assert.ok(expected.length > 10, "金水区 has crossings on a weekday");
    assert.deepEqual(
      cityWide.map((n) => Number(n.id)),
      expected,
    );
    assert.ok(cityWide.every((n) => n.district.code === IN_SCOPE));
  });

  it("pages only registrations whose destination district is in the scope", async () => {
    const nodes = await all<{ id: string; destinationDistrict: { code: string } }>(REGISTRATIONS, "travellerRegistrations", scoped);
    const expected = await ids(
      `SELECT id FROM transport.traveller_registration WHERE district_code = $1 ORDER BY arrival_date DESC, id DESC`,
      [IN_SCOPE],
    );
    assert.ok(expected.length > 0);
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      expected,
    );
    const total = await ids(`SELECT id FROM transport.traveller_registration`);
    assert.ok(total.length > expected.length, "other districts have registrations the scope hides");
  });

  it("returns nothing for a district or checkpoint argument outside the scope", async () => {
    assert.deepEqual(await all(CROSSINGS, "crossings", scoped, { district: OTHER }), []);
    assert.deepEqual(await all(CROSSINGS, "crossings", scoped, { checkpoint: OTHER_CHECKPOINT }), []);
    assert.deepEqual(await all(CROSSINGS, "crossings", scoped, { checkpoint: OTHER_CHECKPOINT, district: OTHER }), []);
    assert.deepEqual(await all(REGISTRATIONS, "travellerRegistrations", scoped, { district: OTHER }), []);
    const checkpoints = await h.send<{ checkpoints: unknown[] }>(CHECKPOINTS, { district: OTHER }, scoped);
    assert.deepEqual(checkpoints, { data: { checkpoints: [] } });
    // The same arguments inside the scope do find rows.
    const own = await all<{ checkpoint: { code: string } }>(CROSSINGS, "crossings", scoped, { checkpoint: OWN_CHECKPOINT });
    assert.ok(own.length > 0 && own.every((n) => n.checkpoint.code === OWN_CHECKPOINT));
  });

  it("answers null when looking up an out-of-scope checkpoint", async () => {
    const response = await h.send(
      `query($own: String!, $other: String!) { own: checkpoint(code: $own) { code } other: checkpoint(code: $other) { code } }`,
      { own: OWN_CHECKPOINT, other: OTHER_CHECKPOINT },
      scoped,
    );
    assert.deepEqual(response, { data: { own: { code: OWN_CHECKPOINT }, other: null } });
  });

  it("resolves _entities representations of out-of-scope checkpoints to null, in one statement", async () => {
    const codes = [OWN_CHECKPOINT, OTHER_CHECKPOINT, "410190001", "410105002"];
    const { response, statements } = await h.counted<{ _entities: ({ code: string } | null)[] }>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on Checkpoint { code name } } }`,
      { r: codes.map((code) => ({ __typename: "Checkpoint", code })) },
      scoped,
    );
    assert.equal(response.errors, undefined);
    assert.equal(statements, 1);
    assert.deepEqual(
      response.data!._entities.map((c) => c?.code ?? null),
      [OWN_CHECKPOINT, null, null, "410105002"],
    );
  });

  it("returns only a person's crossings at in-scope checkpoints", async () => {
    const [mixed, outside] = await personExtensions([mixedTraveller, outsideTraveller], scoped);
    const expected = await ids(
      `SELECT id FROM transport.checkpoint_crossing WHERE person_id = $1 AND district_code = $2 ORDER BY time DESC, id DESC`,
      [mixedTraveller, IN_SCOPE],
    );
    assert.ok(expected.length > 0);
    assert.deepEqual(
      mixed!.crossings.nodes.map((n) => Number(n.id)),
      expected,
    );
    assert.ok(mixed!.crossings.nodes.every((n) => n.checkpoint.district.code === IN_SCOPE));
    assert.deepEqual(outside!.crossings, { nodes: [], pageInfo: { hasNextPage: false } });
    const [everything] = await personExtensions([mixedTraveller], unscoped);
    assert.ok(everything!.crossings.nodes.length > expected.length, "the person also crossed elsewhere");
  });

  it("returns only a person's registrations whose destination is in the scope", async () => {
    const [inside, outside] = await personExtensions([registeredInside, registeredOutside], scoped);
    assert.ok(inside!.travellerRegistrations.nodes.length > 0);
    assert.ok(inside!.travellerRegistrations.nodes.every((n) => n.destinationDistrict.code === IN_SCOPE));
    assert.deepEqual(outside!.travellerRegistrations.nodes, []);
    const [unrestricted] = await personExtensions([registeredOutside], unscoped);
    assert.ok(unrestricted!.travellerRegistrations.nodes.length > 0);
  });

  it("costs a scoped caller the same statements for a person's extensions as an unscoped one", async () => {
    const r = { r: [mixedTraveller, outsideTraveller, registeredInside].map((id) => ({ __typename: "Person", id })) };
    const a = await h.counted(PERSON_EXTENSIONS, r, scoped);
    const b = await h.counted(PERSON_EXTENSIONS, r, unscoped);
    assert.equal(a.response.errors, undefined);
    assert.equal(a.statements, 3, "crossings, registrations, then the crossings' checkpoints");
    assert.equal(b.statements, 3);
  });

  it("filters crossings and registrations by scope in SQL even for out-of-scope parents", async () => {
    // Through the API an out-of-scope checkpoint is already null; the statements must not rely on that.
    const connection: PrismaConnection<PrismaClient> = connectPrisma(PrismaClient, { url: h.databaseUrl, poolSize: 1 });
    try {
      const scope = [IN_SCOPE];
      const crossings = new CheckpointCrossingRepository(connection.prisma, scope);
      const atCheckpoints = await crossings.listByCheckpoints([OWN_CHECKPOINT, OTHER_CHECKPOINT], {}, 5);
      assert.deepEqual(new Set(atCheckpoints.map((r) => r.checkpointCode)), new Set([OWN_CHECKPOINT]));
      const ofPersons = await crossings.listByPersons([mixedTraveller, outsideTraveller], {}, 100);
      assert.ok(ofPersons.length > 0 && ofPersons.every((r) => r.personId === mixedTraveller && r.districtCode === IN_SCOPE));
      const registrations = new TravellerRegistrationRepository(connection.prisma, scope);
      const ofTravellers = await registrations.listByPersons([registeredInside, registeredOutside], 100);
      assert.ok(ofTravellers.length > 0 && ofTravellers.every((r) => r.personId === registeredInside && r.districtCode === IN_SCOPE));
      const checkpoints = new CheckpointRepository(connection.prisma, scope);
      assert.deepEqual(
        (await checkpoints.findByCodes([OWN_CHECKPOINT, OTHER_CHECKPOINT])).map((c) => c.code),
        [OWN_CHECKPOINT],
      );
      const unrestricted = new CheckpointCrossingRepository(connection.prisma, undefined);
      const both = await unrestricted.listByCheckpoints([OWN_CHECKPOINT, OTHER_CHECKPOINT], {}, 5);
      assert.deepEqual(new Set(both.map((r) => r.checkpointCode)), new Set([OWN_CHECKPOINT, OTHER_CHECKPOINT]));
    } finally {
      await connection.close();
    }
  });

  it("serves a scoped person's crossings page and a scoped district list from their indexes", async () => {
    await h.pool.query(`ANALYZE transport.checkpoint_crossing`);
    const connection: PrismaConnection<PrismaClient> = connectPrisma(PrismaClient, { url: h.databaseUrl, poolSize: 1 });
    /** The statements the repositories send, to EXPLAIN with the same parameters. */
    const sent: { text: string; values: unknown[] }[] = [];
    connection.pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        const config = args[0] as { text?: string; values?: unknown[] };
        if (config && typeof config === "object" && config.text) sent.push({ text: config.text, values: config.values ?? [] });
        return query(...args);
      };
    });
    const planOf = async (run: () => Promise<unknown>): Promise<string> => {
      sent.length = 0;
      await run();
      const statement = sent.find((s) => /checkpoint_crossing/.test(s.text));
      assert.ok(statement, "a statement on checkpoint_crossing");
      const { rows } = await h.pool.query(`EXPLAIN (COSTS OFF) ${statement.text}`, statement.values);
      return rows.map((r: Record<string, string>) => r["QUERY PLAN"]).join("\n");
    };
    try {
      const crossings = new CheckpointCrossingRepository(connection.prisma, [IN_SCOPE, OTHER]);
      const personPage = await planOf(() => crossings.listByPersons([mixedTraveller, outsideTraveller], {}, 20));
      assert.match(personPage, /checkpoint_crossing_person_id_time_id_idx/, personPage);
      assert.doesNotMatch(personPage, /Seq Scan/, personPage);
      const districtList = await planOf(() => crossings.list({ districtCode: IN_SCOPE }, 20));
      assert.match(districtList, /Index Scan Backward using checkpoint_crossing_district_code_time_id_idx/, districtList);
      assert.doesNotMatch(districtList, /Seq Scan|Sort/, districtList);
    } finally {
      await connection.close();
    }
  });

  it("lists the rows of every district of a scope with several", async () => {
    const two = gatewayCaller("transport", ALL_SCOPES, [IN_SCOPE, OTHER]);
    const checkpoints = await h.send<{ checkpoints: { district: { code: string } }[] }>(CHECKPOINTS, {}, two);
    assert.deepEqual(new Set(checkpoints.data!.checkpoints.map((c) => c.district.code)), new Set([IN_SCOPE, OTHER]));
    const nodes = await all<{ id: string }>(CROSSINGS, "crossings", two, DAY);
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      await ids(
        `SELECT id FROM transport.checkpoint_crossing WHERE district_code = ANY($1) AND time >= $2 AND time < $3
         ORDER BY time DESC, id DESC`,
        [[IN_SCOPE, OTHER], DAY.from, DAY.to],
      ),
    );
  });

  it("sees no rows at all when scoped to no district", async () => {
    const none = gatewayCaller("transport", ALL_SCOPES, []);
    assert.deepEqual(await h.send(CHECKPOINTS, {}, none), { data: { checkpoints: [] } });
    assert.deepEqual(await all(CROSSINGS, "crossings", none, { district: IN_SCOPE }), []);
    assert.deepEqual(await all(REGISTRATIONS, "travellerRegistrations", none), []);
    const lookup = await h.send(`query($c: String!) { checkpoint(code: $c) { code } }`, { c: OWN_CHECKPOINT }, none);
    assert.deepEqual(lookup, { data: { checkpoint: null } });
    const [person] = await personExtensions([mixedTraveller], none);
    assert.deepEqual(person!.crossings.nodes, []);
  });

  it("shows an unscoped principal every district's rows", async () => {
    const checkpoints = await h.send<{ checkpoints: unknown[] }>(CHECKPOINTS, {}, unscoped);
    assert.equal(checkpoints.data!.checkpoints.length, 48);
    const lookup = await h.send(`query($c: String!) { checkpoint(code: $c) { code } }`, { c: OTHER_CHECKPOINT }, unscoped);
    assert.deepEqual(lookup, { data: { checkpoint: { code: OTHER_CHECKPOINT } } });
    const nodes = await all<{ id: string }>(CROSSINGS, "crossings", unscoped, DAY);
    assert.equal(
      nodes.length,
      (await ids(`SELECT id FROM transport.checkpoint_crossing WHERE time >= $1 AND time < $2`, [DAY.from, DAY.to])).length,
    );
    const registrations = await all<{ id: string }>(REGISTRATIONS, "travellerRegistrations", unscoped);
    assert.equal(registrations.length, (await ids(`SELECT id FROM transport.traveller_registration`)).length);
    const [person] = await personExtensions([outsideTraveller], unscoped);
    assert.ok(person!.crossings.nodes.length > 0);
  });

  it("refuses the same request without any token with HTTP 401", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: CHECKPOINTS, variables: {} }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as Response<unknown>;
    assert.equal(body.data ?? undefined, undefined);
    assert.equal(body.errors?.[0]?.extensions?.code, "UNAUTHENTICATED");
  });
});
