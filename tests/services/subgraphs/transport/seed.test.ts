import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DISTRICTS, SEED_EPOCH, personIdAt, populationSize } from "@citygraph/core";
import { transportSeed } from "../../../../services/subgraphs/transport/src/seed.ts";
import { assertPlate } from "../../../../services/subgraphs/transport/src/arguments.ts";
import { startTransport, type TransportHarness } from "./harness.ts";

const tableOf = (scale: number, name: string) =>
  transportSeed.tables(scale).find((t) => t.table === `transport.${name}`)!;

describe("transport subgraph: seed", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  it("seeds 48 checkpoints, 20 000 crossings and 100 registrations at scale 1", async () => {
    const { rows } = await h.pool.query<{ checkpoints: number; crossings: number; registrations: number }>(
      `SELECT (SELECT count(*)::int FROM transport.checkpoint) AS checkpoints,
              (SELECT count(*)::int FROM transport.checkpoint_crossing) AS crossings,
              (SELECT count(*)::int FROM transport.traveller_registration) AS registrations`,
    );
    assert.deepEqual(rows[0], { checkpoints: 48, crossings: 20_000, registrations: 100 });
  });

  it("plans 10 million crossings and 50 000 registrations at scale 500", () => {
    assert.equal(tableOf(500, "checkpoint_crossing").count, 10 * populationSize(500).persons);
    assert.equal(tableOf(500, "checkpoint_crossing").count, 10_000_000);
    assert.equal(tableOf(500, "traveller_registration").count, 50_000);
  });

  it("generates every row from its index alone, so a seed can resume anywhere", () => {
    for (const name of ["checkpoint_crossing", "traveller_registration"]) {
      const first = tableOf(500, name);
      const second = tableOf(500, name);
      const indexes = [9_999_999, 0, 123_456, 49_999, 7, 5_000_000].filter((i) => i < first.count);
      const forward = indexes.map((i) => first.row(i));
      const backward = [...indexes]
        .reverse()
        .map((i) => second.row(i))
        .reverse();
      assert.deepEqual(forward, backward, name);
    }
  });

  it("stores exactly what the row function generates", async () => {
    const table = tableOf(1, "checkpoint_crossing");
    const { rows } = await h.pool.query(
      `SELECT id, person_id, plate, checkpoint_code, time, direction::text, origin_city, district_code
       FROM transport.checkpoint_crossing WHERE id = ANY($1) ORDER BY id`,
      [[1, 5_000, 20_000]],
    );
    for (const row of rows) {
      const [id, person, plate, checkpoint, time, direction, origin, district] = table.row(row.id - 1);
      assert.deepEqual(
        [
          row.id,
          row.person_id,
          row.plate,
          row.checkpoint_code,
          row.time.getTime(),
          row.direction,
          row.origin_city,
          row.district_code,
        ],
        [
          id,
          person,
          plate,
          checkpoint,
          new Date(String(time).replace(" ", "T").replace("+08", "+08:00")).getTime(),
          direction,
          origin,
          district,
        ],
      );
    }
  });

  it("places crossings in the 30 days before the seed epoch, in id order, peaking at commute hours", async () => {
    const { rows } = await h.pool.query<{ first: Date; last: Date; disorder: number }>(
      `SELECT min(time) AS first, max(time) AS last,
              count(*) FILTER (WHERE time < previous)::int AS disorder
       FROM (SELECT time, lag(time) OVER (ORDER BY id) AS previous FROM transport.checkpoint_crossing) t`,
    );
    const { first, last, disorder } = rows[0]!;
    assert.ok(first.getTime() >= SEED_EPOCH.getTime() - 30 * 86_400_000);
    assert.ok(last.getTime() < SEED_EPOCH.getTime());
    assert.equal(disorder, 0, "an append-only log: later ids, later times");
    const { rows: hours } = await h.pool.query<{ hour: number; n: number }>(
      `SELECT extract(hour FROM time AT TIME ZONE 'Asia/Shanghai')::int AS hour, count(*)::int AS n
       FROM transport.checkpoint_crossing GROUP BY 1`,
    );
    const at = (h: number[]) =>
      h.reduce((sum, hour) => sum + (hours.find((r) => r.hour === hour)?.n ?? 0), 0) / h.length;
    assert.ok(at([7, 8, 9, 17, 18, 19]) > 1.5 * at([10, 11, 12, 13, 14, 15, 16]), "commute peaks");
    assert.ok(at([1, 2, 3, 4]) < 0.2 * at([7, 8, 9, 17, 18, 19]), "quiet nights");
  });

  it("writes valid plates, mostly Zhengzhou's 豫A, and none at rail stations or the airport", async () => {
    const { rows } = await h.pool.query<{ plate: string | null; kind: string }>(
      `SELECT c.plate, k.kind::text AS kind FROM transport.checkpoint_crossing c JOIN transport.checkpoint k ON k.code = c.checkpoint_code`,
    );
    const withPlate = rows.filter((r) => r.plate !== null);
    for (const r of withPlate) assertPlate("plate", r.plate!);
    assert.ok(rows.every((r) => (r.kind === "RAIL_STATION" || r.kind === "AIRPORT") === (r.plate === null)));
    const local = withPlate.filter((r) => r.plate!.startsWith("豫A")).length / withPlate.length;
    assert.ok(local > 0.8 && local < 0.99, `豫A share ${local}`);
    assert.ok(
      withPlate.some((r) => !r.plate!.startsWith("豫")),
      "some cars come from other provinces",
    );
  });

  it("references persons of the shared population and copies each checkpoint's district", async () => {
    const population = new Set(Array.from({ length: populationSize(1).persons }, (_, i) => personIdAt(i)));
    const { rows } = await h.pool.query<{ person_id: string }>(
      `SELECT DISTINCT person_id FROM transport.checkpoint_crossing
       UNION SELECT DISTINCT person_id FROM transport.traveller_registration`,
    );
    assert.ok(rows.every((r) => population.has(r.person_id)));
    const { rows: mismatched } = await h.pool.query(
      `SELECT 1 FROM transport.checkpoint_crossing c JOIN transport.checkpoint k ON k.code = c.checkpoint_code
       WHERE c.district_code <> k.district_code LIMIT 1`,
    );
    assert.equal(mismatched.length, 0);
    const { rows: districts } = await h.pool.query<{ district_code: string }>(
      `SELECT DISTINCT district_code FROM transport.checkpoint_crossing`,
    );
    assert.equal(districts.length, DISTRICTS.length, "every district sees crossings");
  });
});
