import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeCursor } from "@citygraph/core";
import {
  firstError,
  startTransport,
  type Connection,
  type Response,
  type TransportHarness,
} from "./harness.ts";

interface CrossingNode {
  id: string;
  time: string;
  plate: string | null;
  direction: string;
  originCity: string;
  checkpoint: { code: string; district: { code: string } };
  district: { code: string };
  person: { id: string };
}

type Crossings = { crossings: Connection<CrossingNode> };

const CROSSINGS = `query($first: Int, $after: String, $checkpoint: String, $district: String, $plate: String, $from: DateTime, $to: DateTime) {
  crossings(first: $first, after: $after, checkpoint: $checkpoint, district: $district, plate: $plate, from: $from, to: $to) {
    nodes { id time plate direction originCity checkpoint { code district { code } } district { code } person { id } }
    pageInfo { endCursor hasNextPage }
  }
}`;

describe("transport subgraph: crossings", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  /** Follows `endCursor` to the end and returns every node. */
  async function allPages(variables: Record<string, unknown>): Promise<CrossingNode[]> {
    const nodes: CrossingNode[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const { data, errors }: Response<Crossings> = await h.query<Crossings>(CROSSINGS, {
        ...variables,
        after: cursor,
      });
      assert.equal(errors, undefined);
      nodes.push(...data!.crossings.nodes);
      if (!data!.crossings.pageInfo.hasNextPage) return nodes;
      cursor = data!.crossings.pageInfo.endCursor;
    }
    throw new Error("too many pages");
  }

  it("pages a district's crossings newest first, with no row missed or repeated", async () => {
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE district_code = '410106' ORDER BY time DESC, id DESC`,
    );
    assert.ok(rows.length > 100, "上街区 has enough crossings to page through");
    const nodes = await allPages({ district: "410106", first: 37 });
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      rows.map((r) => r.id),
    );
    for (const n of nodes) {
      assert.equal(n.district.code, "410106");
      assert.equal(n.checkpoint.district.code, "410106");
    }
  });

  it("breaks ties on time by id, so crossings in the same second page correctly", async () => {
    // Two crossings at the same checkpoint in the same second (seeded times are whole seconds).
    const { rows } = await h.pool.query<{ time: Date; checkpoint_code: string }>(
      `UPDATE transport.checkpoint_crossing t SET time = s.time, checkpoint_code = s.checkpoint_code, district_code = s.district_code
       FROM transport.checkpoint_crossing s WHERE s.id = 10 AND t.id = 11 RETURNING t.time, t.checkpoint_code`,
    );
    const { time, checkpoint_code: checkpoint } = rows[0]!;
    const from = new Date(time.getTime() - 1_000).toISOString();
    const to = new Date(time.getTime() + 1_000).toISOString();
    const { rows: expected } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE checkpoint_code = $1 AND time >= $2 AND time < $3
       ORDER BY time DESC, id DESC`,
      [checkpoint, from, to],
    );
    const nodes = await allPages({ checkpoint, from, to, first: 1 });
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      expected.map((r) => r.id),
    );
    assert.deepEqual(
      nodes.filter((n) => n.time === time.toISOString()).map((n) => Number(n.id)),
      [11, 10],
    );
  });

  it("finds a vehicle's crossings by plate, newest first", async () => {
    const { rows } = await h.pool.query<{ plate: string; n: number }>(
      `SELECT plate, count(*)::int AS n FROM transport.checkpoint_crossing WHERE plate IS NOT NULL
       GROUP BY plate ORDER BY n DESC, plate LIMIT 1`,
    );
    const { plate, n } = rows[0]!;
    assert.ok(n > 1, "a car of one of the regular commuters crosses many times");
    const nodes = await allPages({ plate, first: 5 });
    assert.equal(nodes.length, n);
    assert.ok(nodes.every((c) => c.plate === plate));
    const times = nodes.map((c) => Date.parse(c.time));
    assert.deepEqual(
      times,
      [...times].sort((a, b) => b - a),
    );
  });

  it("filters a checkpoint's crossings to a closed-open time window", async () => {
    const from = "2026-11-09T00:00:00+08:00";
    const to = "2026-11-10T00:00:00+08:00";
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE checkpoint_code = '410190001' AND time >= $1 AND time < $2
       ORDER BY time DESC, id DESC`,
      [from, to],
    );
    assert.ok(rows.length > 5);
    const nodes = await allPages({ checkpoint: "410190001", from, to, first: 100 });
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      rows.map((r) => r.id),
    );
    assert.ok(
      nodes.every((n) => n.plate === null),
      "郑州东站 is a rail station: ID checks carry no plate",
    );
  });

  it("serves a city-wide query over a window of at most a day", async () => {
    const from = "2026-11-18T07:00:00+08:00";
    const to = "2026-11-18T09:00:00+08:00";
    const { rows } = await h.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM transport.checkpoint_crossing WHERE time >= $1 AND time < $2`,
      [from, to],
    );
    const nodes = await allPages({ from, to, first: 100 });
    assert.equal(nodes.length, rows[0]!.n);
    assert.ok(nodes.length > 20, "the morning peak is busy");
  });

  it("requires a checkpoint, district, plate or a short window before scanning the city", async () => {
    const none = await h.query(CROSSINGS, {});
    assert.deepEqual(firstError(none).code, "BAD_USER_INPUT");
    assert.equal(firstError(none).argumentName, "from");
    const onlyFrom = await h.query(CROSSINGS, { from: "2026-11-18T00:00:00Z" });
    assert.equal(firstError(onlyFrom).argumentName, "to");
    const tooLong = await h.query(CROSSINGS, { from: "2026-11-10T00:00:00Z", to: "2026-11-12T00:00:00Z" });
    assert.equal(firstError(tooLong).code, "BAD_USER_INPUT");
    assert.equal(firstError(tooLong).argumentName, "to");
    // The list is classified above PUBLIC, so the platform makes it nullable: the error nulls only it.
    assert.deepEqual(tooLong.data, { crossings: null });
  });

  it("rejects a date range whose start is not before its end", async () => {
    for (const [from, to] of [
      ["2026-11-12T00:00:00Z", "2026-11-10T00:00:00Z"],
      ["2026-11-10T00:00:00Z", "2026-11-10T00:00:00Z"],
    ]) {
      const response = await h.query(CROSSINGS, { district: "410105", from, to });
      assert.deepEqual(
        { code: firstError(response).code, argumentName: firstError(response).argumentName },
        { code: "BAD_USER_INPUT", argumentName: "to" },
      );
    }
  });

  it("rejects a window longer than 31 days, even with a filter", async () => {
    const response = await h.query(CROSSINGS, {
      district: "410105",
      from: "2026-09-01T00:00:00Z",
      to: "2026-11-01T00:00:00Z",
    });
    assert.equal(firstError(response).code, "BAD_USER_INPUT");
    assert.equal(firstError(response).argumentName, "to");
  });

  it("rejects malformed plates without echoing them", async () => {
    const messages = new Set<string | undefined>();
    for (const plate of [
      "豫A·12345",
      "豫a12345",
      "ZZ12345",
      "豫A1234",
      "豫AI2345",
      "豫A123456",
      "",
      "京AD1234F",
    ]) {
      const response = await h.query(CROSSINGS, { plate });
      assert.equal(firstError(response).code, "BAD_USER_INPUT", plate);
      assert.equal(firstError(response).argumentName, "plate");
      messages.add(firstError(response).message);
    }
    assert.equal(messages.size, 1, "one fixed message: the plate is never echoed");
    for (const plate of ["豫A12345", "豫AD12345", "豫AFK1234", "京N8B2X7", "豫A12345D"]) {
      const response = await h.query(CROSSINGS, { plate });
      assert.equal(response.errors, undefined, plate);
    }
  });

  it("rejects malformed district and checkpoint codes, page sizes and cursors, naming the argument", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ district: "4101" }, "district"],
      [{ district: "110101" }, "district"],
      [{ checkpoint: "KK001" }, "checkpoint"],
      [{ checkpoint: "999999001" }, "checkpoint"],
      [{ district: "410105", first: 0 }, "first"],
      [{ district: "410105", first: 101 }, "first"],
      [{ district: "410105", after: "not-a-cursor" }, "after"],
      [{ district: "410105", after: encodeCursor(["yesterday", 1]) }, "after"],
      [{ district: "410105", after: encodeCursor(["2026-11-01T00:00:00Z", 99_999_999_999]) }, "after"],
      [{ district: "410105", after: encodeCursor([5]) }, "after"],
    ];
    for (const [variables, argumentName] of cases) {
      const response = await h.query(CROSSINGS, variables);
      assert.deepEqual(
        { code: firstError(response).code, argumentName: firstError(response).argumentName },
        { code: "BAD_USER_INPUT", argumentName },
        JSON.stringify(variables),
      );
    }
  });

  it("answers a checkpoint outside the district with an empty page, without scanning the district", async () => {
    const { response, statements } = await h.counted<Crossings>(CROSSINGS, {
      checkpoint: "410190001",
      district: "410105",
    });
    assert.equal(response.errors, undefined);
    assert.deepEqual(response.data!.crossings, {
      nodes: [],
      pageInfo: { endCursor: null, hasNextPage: false },
    });
    assert.equal(statements, 1, "only the checkpoint lookup");
  });

  it("loads the checkpoints of a page of crossings with one statement", async () => {
    const { response, statements } = await h.counted<Crossings>(CROSSINGS, {
      district: "410171",
      first: 100,
    });
    assert.equal(response.errors, undefined);
    const checkpoints = new Set(response.data!.crossings.nodes.map((n) => n.checkpoint.code));
    assert.ok(checkpoints.size > 1);
    assert.equal(statements, 2, "the page, then its checkpoints");
  });
});
