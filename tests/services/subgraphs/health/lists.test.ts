import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { DISTRICTS, MAX_PAGE_SIZE } from "@citygraph/core";
import { startHealth, type HealthHarness } from "./harness.ts";

interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}

/** Follows `endCursor` until the last page; returns every node and the statements spent. */
async function drain<T>(h: HealthHarness, query: string, field: string, variables: Record<string, unknown>) {
  const nodes: T[] = [];
  let after: string | null = null;
  let statements = 0;
  let pages = 0;
  for (;;) {
    const counted: { response: { data?: Record<string, Page<T>>; errors?: unknown }; statements: number } =
      await h.counted<Record<string, Page<T>>>(query, { ...variables, after });
    assert.equal(counted.response.errors, undefined);
    const page = counted.response.data![field]!;
    nodes.push(...page.nodes);
    statements += counted.statements;
    pages++;
    if (!page.pageInfo.hasNextPage) return { nodes, statements, pages };
    assert.ok(page.pageInfo.endCursor);
    after = page.pageInfo.endCursor;
  }
}

describe("health subgraph: root lists", () => {
  let h: HealthHarness;
  before(async () => {
    h = await startHealth();
  });
  after(async () => {
    await h?.stop();
  });

  test("lists sixty fever clinics covering every district, and filters them by district", async () => {
    type Clinics = {
      feverClinics: {
        id: string;
        name: string;
        hospital: string;
        grade: string;
        district: { code: string };
      }[];
    };
    const all = await h.query<Clinics>(`{ feverClinics { id name hospital grade district { code } } }`);
    const clinics = all.data!.feverClinics;
    assert.equal(clinics.length, 60);
    assert.deepEqual(new Set(clinics.map((c) => c.district.code)), new Set(DISTRICTS.map((d) => d.code)));
    assert.ok(clinics.some((c) => c.hospital === "郑州大学第一附属医院河医院区"));
    assert.ok(clinics.every((c) => c.name === `${c.hospital}发热门诊`));
    const jinshui = await h.query<Clinics>(`{ feverClinics(district: "410105") { id district { code } } }`);
    assert.ok(jinshui.data!.feverClinics.length > 5);
    assert.ok(jinshui.data!.feverClinics.every((c) => c.district.code === "410105"));
  });

  test("pages every fever-clinic visit newest first, without gaps or repeats", async () => {
    const { rows } = await h.pool.query<{ id: number }>(
      "SELECT id FROM health.fever_clinic_visit ORDER BY visited_at DESC, id DESC",
    );
    const { nodes, statements, pages } = await drain<{
      id: string;
      visitedAt: string;
      person: { id: string };
    }>(
      h,
      `query ($after: String) { feverClinicVisits(first: 30, after: $after) {
         nodes { id visitedAt temperature symptoms diagnosis person { id } clinic { name } district { code } }
         pageInfo { endCursor hasNextPage } } }`,
      "feverClinicVisits",
      {},
    );
    assert.deepEqual(
      nodes.map((n) => n.id),
      rows.map((r) => String(r.id)),
    );
    assert.equal(pages, Math.ceil(rows.length / 30));
    // One statement for the page, one for its clinics.
    assert.equal(statements, 2 * pages);
  });

  test("filters fever-clinic visits by the clinic's district and a window of time", async () => {
    const { rows: bounds } = await h.pool.query<{ from: Date; to: Date; district: string }>(
      `SELECT percentile_disc(0.25) WITHIN GROUP (ORDER BY visited_at) AS from,
              percentile_disc(0.75) WITHIN GROUP (ORDER BY visited_at) AS to,
              mode() WITHIN GROUP (ORDER BY district_code) AS district
       FROM health.fever_clinic_visit`,
    );
    const { from, to, district } = bounds[0]!;
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM health.fever_clinic_visit WHERE district_code = $1 AND visited_at >= $2 AND visited_at < $3
       ORDER BY visited_at DESC, id DESC`,
      [district, from, to],
    );
    assert.ok(rows.length > 1);
    const { nodes } = await drain<{ id: string; district: { code: string } }>(
      h,
      `query ($after: String, $district: String, $from: DateTime, $to: DateTime) {
         feverClinicVisits(first: 2, after: $after, district: $district, from: $from, to: $to) {
           nodes { id district { code } } pageInfo { endCursor hasNextPage } } }`,
      "feverClinicVisits",
      { district, from: from.toISOString(), to: to.toISOString() },
    );
    assert.deepEqual(
      nodes.map((n) => n.id),
      rows.map((r) => String(r.id)),
    );
  });

  test("pages health declarations newest day first, filtered by district and days", async () => {
    const { rows } = await h.pool.query<{ id: number }>(
      `SELECT id FROM health.health_declaration
       WHERE district_code = '410105' AND declared_on >= '2026-11-10' AND declared_on < '2026-11-14'
       ORDER BY declared_on DESC, id DESC`,
    );
    assert.ok(rows.length > MAX_PAGE_SIZE, "the window spans several full pages");
    const { nodes } = await drain<{ id: string; declaredOn: string; district: { code: string } }>(
      h,
      `query ($after: String) {
         healthDeclarations(first: ${MAX_PAGE_SIZE}, after: $after, district: "410105", from: "2026-11-10", to: "2026-11-14") {
           nodes { id declaredOn temperature hasSymptoms travelHistory person { id } district { code } }
           pageInfo { endCursor hasNextPage } } }`,
      "healthDeclarations",
      {},
    );
    assert.deepEqual(
      nodes.map((n) => n.id),
      rows.map((r) => String(r.id)),
    );
    assert.equal(nodes[0]!.declaredOn, "2026-11-13");
    assert.equal(nodes.at(-1)!.declaredOn, "2026-11-10");
  });

  test("answers a district's daily case counts for a window of days, in day order", async () => {
    type Counts = {
      caseCounts: {
        date: string;
        confirmed: number;
        asymptomatic: number;
        recovered: number;
        district: { code: string };
      }[];
    };
    const response = await h.query<Counts>(
      `{ caseCounts(district: "410105", from: "2026-10-01", to: "2026-11-01") { date confirmed asymptomatic recovered district { code } } }`,
    );
    const counts = response.data!.caseCounts;
    assert.equal(counts.length, 31);
    assert.equal(counts[0]!.date, "2026-10-01");
    assert.equal(counts.at(-1)!.date, "2026-10-31");
    assert.ok(counts.every((c) => c.district.code === "410105"));
    assert.ok(
      counts.some((c) => c.confirmed + c.asymptomatic > 20),
      "the wave shows in October",
    );
    const citywide = await h.query<Counts>(
      `{ caseCounts(from: "2026-09-21", to: "2026-11-20") { date district { code } } }`,
    );
    assert.equal(citywide.data!.caseCounts.length, 60 * 16);
    const quiet = await h.query<Counts>(`{ caseCounts(from: "2025-01-01", to: "2025-02-01") { date } }`);
    assert.deepEqual(quiet.data!.caseCounts, [], "no counts before the history");
  });

  test("lists community risk tiers by community id, filtered by level and district", async () => {
    type Tiers = {
      communityRiskTiers: Page<{ level: string; community: { id: string }; district: { code: string } }>;
    };
    const { rows } = await h.pool.query<{ community_id: number }>(
      "SELECT community_id FROM health.community_risk_tier WHERE level = 'LOW' AND district_code = '410105' ORDER BY community_id",
    );
    const { nodes } = await drain<Tiers["communityRiskTiers"]["nodes"][number]>(
      h,
      `query ($after: String) { communityRiskTiers(first: 3, after: $after, district: "410105", level: LOW) {
         nodes { level since reason community { id } district { code } } pageInfo { endCursor hasNextPage } } }`,
      "communityRiskTiers",
      {},
    );
    assert.deepEqual(
      nodes.map((n) => n.community.id),
      rows.map((r) => String(r.community_id)),
    );
    assert.ok(nodes.every((n) => n.level === "LOW" && n.district.code === "410105"));
    const all = await drain<Tiers["communityRiskTiers"]["nodes"][number]>(
      h,
      `query ($after: String) { communityRiskTiers(first: 50, after: $after) { nodes { level community { id } district { code } } pageInfo { endCursor hasNextPage } } }`,
      "communityRiskTiers",
      {},
    );
    assert.equal(all.nodes.length, 122);
    assert.ok(
      all.nodes.filter((n) => n.level === "LOW").length > 110,
      "most communities are in the precaution tier",
    );
  });
});
