import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  firstError,
  startTransport,
  type Connection,
  type Response,
  type TransportHarness,
} from "./harness.ts";

interface RegistrationNode {
  id: string;
  originCity: string;
  arrivalDate: string;
  purpose: string;
  quarantineRequired: boolean;
  person: { id: string };
  destinationDistrict: { code: string };
}

const LIST = `query($first: Int, $after: String, $district: String, $from: Date, $to: Date) {
  travellerRegistrations(first: $first, after: $after, district: $district, from: $from, to: $to) {
    nodes { id originCity arrivalDate purpose quarantineRequired person { id } destinationDistrict { code } }
    pageInfo { endCursor hasNextPage }
  }
}`;

describe("transport subgraph: traveller registrations", () => {
  let h: TransportHarness;
  before(async () => {
    h = await startTransport();
  });
  after(async () => h?.stop());

  async function allPages(variables: Record<string, unknown>): Promise<RegistrationNode[]> {
    const nodes: RegistrationNode[] = [];
    let cursor: string | null = null;
    do {
      const { data, errors }: Response<{ travellerRegistrations: Connection<RegistrationNode> }> =
        await h.query(LIST, { ...variables, after: cursor });
      assert.equal(errors, undefined);
      const page: Connection<RegistrationNode> = data!.travellerRegistrations;
      nodes.push(...page.nodes);
      cursor = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (cursor);
    return nodes;
  }

  it("pages all registrations, latest arrival first", async () => {
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.traveller_registration ORDER BY arrival_date DESC, id DESC`,
    );
    assert.equal(rows.length, 100, "one registration per twenty persons");
    const nodes = await allPages({ first: 9 });
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      rows.map((r) => r.id),
    );
    assert.ok(
      nodes.every((n) => n.originCity !== "郑州"),
      "travellers come from elsewhere",
    );
    assert.ok(nodes.every((n) => /^[0-9a-f]{16}$/.test(n.person.id)));
  });

  it("filters by destination district and a closed-open range of arrival dates", async () => {
    const { rows } = await h.pool.query<{ district_code: string }>(
      `SELECT district_code FROM transport.traveller_registration GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const district = rows[0]!.district_code;
    const from = "2026-11-01";
    const to = "2026-11-15";
    const { rows: expected } = await h.pool.query<{ id: number }>(
      `SELECT id FROM transport.traveller_registration WHERE district_code = $1 AND arrival_date >= $2 AND arrival_date < $3
       ORDER BY arrival_date DESC, id DESC`,
      [district, from, to],
    );
    assert.ok(expected.length > 0);
    const nodes = await allPages({ district, from, to, first: 2 });
    assert.deepEqual(
      nodes.map((n) => Number(n.id)),
      expected.map((r) => r.id),
    );
    assert.ok(
      nodes.every(
        (n) => n.destinationDistrict.code === district && n.arrivalDate >= from && n.arrivalDate < to,
      ),
    );
  });

  it("rejects a date range whose start is after its end, and a bad district", async () => {
    const reversed = await h.query(LIST, { from: "2026-11-15", to: "2026-11-01" });
    assert.deepEqual(
      { code: firstError(reversed).code, argumentName: firstError(reversed).argumentName },
      { code: "BAD_USER_INPUT", argumentName: "to" },
    );
    const district = await h.query(LIST, { district: "999999" });
    assert.deepEqual(
      { code: firstError(district).code, argumentName: firstError(district).argumentName },
      { code: "BAD_USER_INPUT", argumentName: "district" },
    );
    const first = await h.query(LIST, { first: 1000 });
    assert.equal(firstError(first).argumentName, "first");
  });
});
