import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { DISTRICTS } from "@citygraph/core";
import {
  firstError,
  startTransport,
  type Connection,
  type Response,
  type TransportHarness,
} from "./harness.ts";

interface CheckpointNode {
  code: string;
  name: string;
  road: string;
  kind: string;
  district: { code: string };
}

describe("transport subgraph: checkpoints", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  it("lists about fifty checkpoints that cover every district", async () => {
    const { data, errors } = await h.query<{ checkpoints: CheckpointNode[] }>(
      `{ checkpoints { code name road kind district { code } } }`,
    );
    assert.equal(errors, undefined);
    const list = data!.checkpoints;
    assert.equal(list.length, 48);
    assert.deepEqual(
      list.map((c) => c.code),
      [...list.map((c) => c.code)].sort(),
      "by code",
    );
    for (const d of DISTRICTS)
      assert.ok(
        list.some((c) => c.district.code === d.code),
        `${d.name} has a checkpoint`,
      );
    for (const c of list) assert.ok(c.code.startsWith(c.district.code));
    const names = list.map((c) => c.name);
    for (const known of [
      "京港澳高速郑州站",
      "连霍高速郑州西站",
      "郑州东站",
      "G107 新郑卡口",
      "郑少高速登封站",
    ]) {
      assert.ok(names.includes(known), known);
    }
  });

  it("filters checkpoints by district and kind", async () => {
    const { data } = await h.query<{ checkpoints: CheckpointNode[] }>(
      `{ checkpoints(district: "410171") { code kind district { code } } stations: checkpoints(kind: RAIL_STATION) { name } }`,
    );
    assert.ok(data!.checkpoints.length >= 2);
    assert.ok(data!.checkpoints.every((c) => c.district.code === "410171"));
    const stations = (data as unknown as { stations: { name: string }[] }).stations.map((s) => s.name);
    assert.ok(stations.includes("郑州东站") && stations.includes("郑州站"));
  });

  it("finds a checkpoint by code and answers null for an unknown one", async () => {
    const { data } = await h.query<{ a: CheckpointNode | null; b: CheckpointNode | null }>(
      `{ a: checkpoint(code: "410184001") { name kind } b: checkpoint(code: "410184099") { name } }`,
    );
    assert.deepEqual(data!.a, { name: "G107 新郑卡口", kind: "NATIONAL_ROAD" });
    assert.equal(data!.b, null);
  });

  it("rejects malformed checkpoint and district codes, naming the argument", async () => {
    for (const [query, argumentName] of [
      [`{ checkpoint(code: "G107") { name } }`, "code"],
      [`{ checkpoint(code: "110101001") { name } }`, "code"],
      [`{ checkpoints(district: "41010X") { name } }`, "district"],
      [`{ checkpoints(district: "") { name } }`, "district"],
    ] as const) {
      const response = await h.query(query);
      assert.deepEqual(
        { code: firstError(response).code, argumentName: firstError(response).argumentName },
        { code: "BAD_USER_INPUT", argumentName },
      );
    }
  });

  it("pages a checkpoint's crossings newest first", async () => {
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.checkpoint_crossing WHERE checkpoint_code = '410185002' ORDER BY time DESC, id DESC`,
    );
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const { data, errors }: Response<{ checkpoint: { crossings: Connection<{ id: string }> } }> =
        await h.query(
          `query($after: String) { checkpoint(code: "410185002") { crossings(first: 50, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } } }`,
          { after: cursor },
        );
      assert.equal(errors, undefined);
      const page: Connection<{ id: string }> = data!.checkpoint.crossings;
      seen.push(...page.nodes.map((n) => Number(n.id)));
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    assert.ok(rows.length > 50);
    assert.deepEqual(
      seen,
      rows.map((r) => r.id),
    );
  });

  it("loads every checkpoint's latest crossings with one statement", async () => {
    const { response, statements } = await h.counted<{
      checkpoints: { code: string; crossings: Connection<{ id: string }> }[];
    }>(
      `{ checkpoints { code crossings(first: 3, from: "2026-11-01T00:00:00+08:00", to: "2026-11-15T00:00:00+08:00") { nodes { id } } } }`,
    );
    assert.equal(response.errors, undefined);
    assert.equal(statements, 2, "the checkpoints, then all their crossings");
    assert.ok(response.data!.checkpoints.every((c) => c.crossings.nodes.length === 3));
  });

  it("resolves Checkpoint references from other subgraphs with one statement", async () => {
    const codes = ["410190001", "410103001", "410184001", "410184099"];
    const { response, statements } = await h.counted<{
      _entities: ({ code: string; name: string } | null)[];
    }>(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Checkpoint { code name } } }`, {
      r: codes.map((code) => ({ __typename: "Checkpoint", code })),
    });
    assert.equal(response.errors, undefined);
    assert.equal(statements, 1);
    assert.deepEqual(
      response.data!._entities.map((c) => c?.name ?? null),
      ["郑州东站", "郑州站", "G107 新郑卡口", null],
    );
  });
});
