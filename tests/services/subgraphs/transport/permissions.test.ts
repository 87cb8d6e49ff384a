import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { personIdAt } from "@citygraph/core";
import { startTransport, type Connection, type TransportHarness } from "./harness.ts";

const INTERNAL = ["transport:internal"];
const MASKED_PLATES = ["transport:internal", "transport:personal:masked"];

type Crossings = {
  crossings: Connection<{ id: string; time: string; plate: string | null; person: { id: string } | null }>;
};

const codes = (errors: { extensions?: Record<string, unknown> }[] | undefined) => [
  ...new Set((errors ?? []).map((e) => e.extensions?.code)),
];

describe("transport subgraph: permissions", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  it("shows anonymous callers the public checkpoints but not what they recorded", async () => {
    const open = await h.query<{ checkpoints: { name: string }[] }>(`{ checkpoints { name } }`, {}, null);
    assert.equal(open.errors, undefined);
    assert.equal(open.data!.checkpoints.length, 48);
    const log = await h.query(`{ crossings(district: "410105") { nodes { id } } }`, {}, null);
    assert.deepEqual(codes(log.errors), ["FORBIDDEN"]);
    const nested = await h.query<{ checkpoint: { name: string; crossings: unknown } }>(
      `{ checkpoint(code: "410190001") { name crossings { nodes { id } } } }`,
      {},
      null,
    );
    assert.deepEqual(codes(nested.errors), ["FORBIDDEN"]);
    assert.deepEqual(
      nested.data!.checkpoint,
      { name: "郑州东站", crossings: null },
      "the checkpoint survives the denial",
    );
  });

  it("lets an internal grant read traffic flow, but not who crossed", async () => {
    const flow = await h.query<Crossings>(
      `{ crossings(district: "410105", first: 5) { nodes { id time } } }`,
      {},
      INTERNAL,
    );
    assert.equal(flow.errors, undefined);
    assert.equal(flow.data!.crossings.nodes.length, 5);
    const who = await h.query<Crossings>(
      `{ crossings(district: "410105", first: 5) { nodes { id time person { id } } } }`,
      {},
      INTERNAL,
    );
    assert.deepEqual(codes(who.errors), ["FORBIDDEN"]);
    assert.equal(who.data!.crossings.nodes.length, 5, "a denied person link leaves the page intact");
    assert.ok(who.data!.crossings.nodes.every((n) => n.person === null && n.time));
  });

  it("masks plates under a masked personal grant and shows them under a full one", async () => {
    const query = `{ crossings(checkpoint: "410184001", first: 20) { nodes { id plate } } }`;
    const masked = await h.query<Crossings>(query, {}, MASKED_PLATES);
    const full = await h.query<Crossings>(query, {}, ["transport:personal"]);
    assert.equal(masked.errors, undefined);
    assert.equal(full.errors, undefined);
    const plates = full.data!.crossings.nodes.map((n) => n.plate!);
    assert.ok(plates.length === 20 && plates.every((p) => p.startsWith("豫") || p.length >= 7));
    masked.data!.crossings.nodes.forEach((n, i) => {
      const plate = plates[i]!;
      assert.equal(n.plate, plate[0] + "*".repeat(plate.length - 3) + plate.slice(-2));
    });
  });

  it("requires a full personal grant to look crossings up by plate", async () => {
    const { rows } = await h.pool.query<{ plate: string }>(
      `SELECT plate FROM transport.checkpoint_crossing WHERE plate IS NOT NULL ORDER BY id LIMIT 1`,
    );
    const query = `query($plate: String) { crossings(plate: $plate) { nodes { id } } }`;
    for (const scopes of [INTERNAL, MASKED_PLATES]) {
      const denied = await h.query(query, { plate: rows[0]!.plate }, scopes);
      assert.deepEqual(codes(denied.errors), ["FORBIDDEN"], scopes.join(" "));
      assert.equal(denied.errors![0]!.extensions!.argumentName, "plate");
    }
    const allowed = await h.query<Crossings>(query, { plate: rows[0]!.plate }, ["transport:personal"]);
    assert.equal(allowed.errors, undefined);
    assert.ok(allowed.data!.crossings.nodes.length >= 1);
  });

  it("keeps a person entity when its crossings and registrations are denied", async () => {
    const response = await h.query<{
      _entities: { id: string; crossings: unknown; travellerRegistrations: unknown }[];
    }>(
      `query($r: [_Any!]!) { _entities(representations: $r) {
        ... on Person { id crossings { nodes { id } } travellerRegistrations { nodes { id } } } } }`,
      { r: [{ __typename: "Person", id: personIdAt(1) }] },
      ["transport:personal"],
    );
    assert.deepEqual(codes(response.errors), ["FORBIDDEN"]);
    assert.deepEqual(response.data!._entities, [
      { id: personIdAt(1), crossings: null, travellerRegistrations: null },
    ]);
  });

  it("withholds the quarantine flag, a health measure, from grants below sensitive", async () => {
    const query = `{ travellerRegistrations(first: 5) { nodes { id originCity quarantineRequired } } }`;
    const internal = await h.query<{
      travellerRegistrations: Connection<{ originCity: string; quarantineRequired: boolean | null }>;
    }>(query, {}, INTERNAL);
    assert.deepEqual(codes(internal.errors), ["FORBIDDEN"]);
    assert.ok(
      internal.data!.travellerRegistrations.nodes.every((n) => n.originCity && n.quarantineRequired === null),
    );
    const sensitive = await h.query(query, {}, ["transport:sensitive"]);
    assert.equal(sensitive.errors, undefined);
  });
});
