import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { personRepresentations, startHealth, type HealthHarness } from "./harness.ts";
import { ALL_SCOPES, gatewayCaller, type GatewayCaller } from "../../../support/security.ts";

const JINSHUI = "410105";
const ZHONGYUAN = "410102";

interface Page<T> {
  nodes: T[];
  pageInfo: { endCursor: string | null; hasNextPage: boolean };
}
type Entities<T> = { _entities: (T | null)[] };
interface PersonEntity {
  id: string;
  healthCode: { color: string; district: { code: string } } | null;
  feverClinicVisits: Page<{ id: string; district: { code: string }; clinic: { id: string } }>;
  healthDeclarations: Page<{ id: string; district: { code: string } }>;
}

const ENTITIES = `query ($representations: [_Any!]!) { _entities(representations: $representations) { ...fields } }`;
const PERSON_FIELDS = `fragment fields on Person {
  id
  healthCode { color district { code } }
  feverClinicVisits(first: 100) { nodes { id district { code } clinic { id } } pageInfo { hasNextPage } }
  healthDeclarations(first: 100) { nodes { id district { code } } pageInfo { hasNextPage } }
}`;

/** One query per root list, each taking `$district`; every node selects its district's code. */
const LISTS = {
  feverClinics: `query ($district: String) { feverClinics(district: $district) { id district { code } } }`,
  feverClinicVisits: `query ($district: String) { feverClinicVisits(first: 100, district: $district) { nodes { id district { code } clinic { id } } } }`,
  healthDeclarations: `query ($district: String) { healthDeclarations(first: 100, district: $district) { nodes { id district { code } } } }`,
  communityRiskTiers: `query ($district: String) { communityRiskTiers(first: 100, district: $district) { nodes { community { id } district { code } } } }`,
  caseCounts: `query ($district: String) { caseCounts(district: $district, from: "2026-10-01", to: "2026-12-01") { date district { code } } }`,
} as const;

type ListName = keyof typeof LISTS;
type ListNode = { district: { code: string } } & Record<string, unknown>;

describe("health subgraph: row scope", () => {
  let h: HealthHarness;
  let jinshui: GatewayCaller;
  let jinshuiAndZhongyuan: GatewayCaller;
  let unscoped: GatewayCaller;

  /** The nodes of one root list, as `headers`' principal sees it. */
  async function list(
    name: ListName,
    headers: GatewayCaller,
    district?: string,
  ): Promise<ListNode[]> {
    const response = await h.query<Record<string, ListNode[] | { nodes: ListNode[] }>>(
      LISTS[name],
      { district },
      headers,
    );
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const value = response.data![name]!;
    return Array.isArray(value) ? value : value.nodes;
  }

  before(async () => {
    h = await startHealth();
    [jinshui, jinshuiAndZhongyuan, unscoped] = await Promise.all([
      gatewayCaller("health", ALL_SCOPES, [JINSHUI]),
      gatewayCaller("health", ALL_SCOPES, [JINSHUI, ZHONGYUAN]),
      gatewayCaller("health", ALL_SCOPES),
    ]);
  });
  after(async () => {
    await h?.stop();
  });

  for (const name of Object.keys(LISTS) as ListName[]) {
    test(`${name}: a scoped principal sees exactly the rows of its district`, async () => {
      const scoped = await list(name, jinshui);
      assert.ok(scoped.length > 0, "the scoped district has rows");
      assert.ok(scoped.every((n) => n.district.code === JINSHUI));
      // The same rows (and page) an unscoped principal gets by asking for the district.
      assert.deepEqual(scoped, await list(name, unscoped, JINSHUI));
      assert.deepEqual(
        await list(name, jinshui, JINSHUI),
        scoped,
        "asking for the scoped district changes nothing",
      );
    });

    test(`${name}: an explicit district outside the scope returns nothing`, async () => {
      assert.ok((await list(name, unscoped, ZHONGYUAN)).length > 0, "the other district has rows");
      assert.deepEqual(await list(name, jinshui, ZHONGYUAN), []);
    });

    test(`${name}: a scope of two districts sees both and nothing else`, async () => {
      const nodes = await list(name, jinshuiAndZhongyuan);
      assert.deepEqual(new Set(nodes.map((n) => n.district.code)), new Set([JINSHUI, ZHONGYUAN]));
    });

    test(`${name}: the unscoped principal still sees every district`, async () => {
      const codes = new Set((await list(name, unscoped)).map((n) => n.district.code));
      assert.ok(codes.size > 2, `rows of ${codes.size} districts`);
    });

    test(`${name}: a principal scoped to no district sees no rows`, async () => {
      assert.deepEqual(await list(name, gatewayCaller("health", ALL_SCOPES, [])), []);
    });
  }

  test("pages a scoped list to its end without leaving the scope", async () => {
    const query = `query ($after: String) { feverClinicVisits(first: 100, after: $after) { nodes { id district { code } } pageInfo { endCursor hasNextPage } } }`;
    const ids: string[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const response: { data?: { feverClinicVisits: Page<{ id: string; district: { code: string } }> } } =
        await h.query(query, { after: cursor }, jinshui);
      const page = response.data!.feverClinicVisits;
      assert.ok(page.nodes.every((n) => n.district.code === JINSHUI));
      ids.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      cursor = page.pageInfo.endCursor;
    }
    const { rows } = await h.pool.query<{ id: number }>(
      "SELECT id FROM health.fever_clinic_visit WHERE district_code = $1 ORDER BY visited_at DESC, id DESC",
      [JINSHUI],
    );
    assert.deepEqual(
      ids,
      rows.map((r) => String(r.id)),
    );
  });

  test("an out-of-scope fever clinic resolves to null through _entities", async () => {
    const { rows } = await h.pool.query<{ id: number; district_code: string }>(
      "SELECT id, district_code FROM health.fever_clinic ORDER BY id",
    );
    const representations = rows.map((r) => ({ __typename: "FeverClinic", id: String(r.id) }));
    const query = `${ENTITIES} fragment fields on FeverClinic { id }`;
    const { response, statements } = await h.counted<Entities<{ id: string }>>(
      query,
      { representations },
      jinshui,
    );
    assert.equal(response.errors, undefined);
    assert.deepEqual(
      response.data!._entities,
      rows.map((r) => (r.district_code === JINSHUI ? { id: String(r.id) } : null)),
    );
    assert.ok(rows.some((r) => r.district_code !== JINSHUI) && rows.some((r) => r.district_code === JINSHUI));
    assert.equal(statements, 1);
    const all = await h.query<Entities<{ id: string }>>(query, { representations }, unscoped);
    assert.ok(
      all.data!._entities.every((c) => c !== null),
      "the unscoped principal resolves every clinic",
    );
  });

  test("a person whose rows are all out of scope has no health code, visits or declarations", async () => {
    const { rows } = await h.pool.query<{ person_id: string }>(
      `SELECT c.person_id FROM health.health_code c
       WHERE c.district_code <> $1
         AND EXISTS (SELECT 1 FROM health.fever_clinic_visit v WHERE v.person_id = c.person_id)
         AND EXISTS (SELECT 1 FROM health.health_declaration d WHERE d.person_id = c.person_id)
         AND NOT EXISTS (SELECT 1 FROM health.fever_clinic_visit v WHERE v.person_id = c.person_id AND v.district_code = $1)
       ORDER BY c.person_id LIMIT 1`,
      [JINSHUI],
    );
    const personId = rows[0]!.person_id;
    const query = `${ENTITIES} ${PERSON_FIELDS}`;
    const scoped = await h.query<Entities<PersonEntity>>(
      query,
      { representations: personRepresentations([personId]) },
      jinshui,
    );
    assert.equal(scoped.errors, undefined);
    assert.deepEqual(scoped.data!._entities, [
      {
        id: personId,
        healthCode: null,
        feverClinicVisits: { nodes: [], pageInfo: { hasNextPage: false } },
        healthDeclarations: { nodes: [], pageInfo: { hasNextPage: false } },
      },
    ]);
    const all = await h.query<Entities<PersonEntity>>(
      query,
      { representations: personRepresentations([personId]) },
      unscoped,
    );
    const person = all.data!._entities[0]!;
    assert.ok(person.healthCode, "the unscoped principal sees the code");
    assert.ok(person.feverClinicVisits.nodes.length > 0 && person.healthDeclarations.nodes.length > 0);
  });

  test("a person's rows are scoped one by one: a visit follows the clinic's district, the code the person's", async () => {
    // A person registered on one side of the scope who visited a clinic on the other.
    const { rows } = await h.pool.query<{ person_id: string; code_district: string }>(
      `SELECT c.person_id, c.district_code AS code_district FROM health.health_code c
       WHERE EXISTS (SELECT 1 FROM health.fever_clinic_visit v
                     WHERE v.person_id = c.person_id AND v.district_code <> c.district_code
                       AND $1 IN (v.district_code, c.district_code))
       ORDER BY c.person_id LIMIT 1`,
      [JINSHUI],
    );
    const { person_id: personId, code_district: codeDistrict } = rows[0]!;
    const { rows: visits } = await h.pool.query<{ id: number }>(
      "SELECT id FROM health.fever_clinic_visit WHERE person_id = $1 AND district_code = $2 ORDER BY visited_at DESC, id DESC",
      [personId, JINSHUI],
    );
    const { rows: declarations } = await h.pool.query<{ id: number }>(
      "SELECT id FROM health.health_declaration WHERE person_id = $1 AND district_code = $2 ORDER BY declared_on DESC, id DESC",
      [personId, JINSHUI],
    );
    const { rows: everything } = await h.pool.query<{ visits: number }>(
      "SELECT count(*)::int AS visits FROM health.fever_clinic_visit WHERE person_id = $1",
      [personId],
    );
    const response = await h.query<Entities<PersonEntity>>(
      `${ENTITIES} ${PERSON_FIELDS}`,
      { representations: personRepresentations([personId]) },
      jinshui,
    );
    assert.equal(response.errors, undefined);
    const person = response.data!._entities[0]!;
    assert.equal(person.healthCode?.district.code ?? null, codeDistrict === JINSHUI ? JINSHUI : null);
    assert.deepEqual(
      person.feverClinicVisits.nodes.map((v) => v.id),
      visits.map((v) => String(v.id)),
    );
    assert.ok(visits.length < everything[0]!.visits || codeDistrict !== JINSHUI, "something is hidden");
    assert.ok(visits.length > 0 || codeDistrict === JINSHUI, "something is visible");
    assert.deepEqual(
      person.healthDeclarations.nodes.map((d) => d.id),
      declarations.map((d) => String(d.id)),
    );
  });

  test("resolves 500 persons within the scope with one SQL statement per field", async () => {
    const { rows } = await h.pool.query<{
      person_id: string;
      coded: boolean;
      visits: number;
      declarations: number;
    }>(
      `SELECT c.person_id, c.district_code = $1 AS coded,
              (SELECT count(*)::int FROM health.fever_clinic_visit v WHERE v.person_id = c.person_id AND v.district_code = $1) AS visits,
              (SELECT count(*)::int FROM health.health_declaration d WHERE d.person_id = c.person_id AND d.district_code = $1) AS declarations
       FROM health.health_code c ORDER BY c.person_id LIMIT 500`,
      [JINSHUI],
    );
    const { response, statements } = await h.counted<Entities<PersonEntity>>(
      `${ENTITIES} fragment fields on Person {
         id healthCode { color }
         feverClinicVisits(first: 100) { nodes { id } }
         healthDeclarations(first: 100) { nodes { id } }
       }`,
      { representations: personRepresentations(rows.map((r) => r.person_id)) },
      jinshui,
    );
    assert.equal(response.errors, undefined);
    const persons = response.data!._entities;
    rows.forEach((row, i) => {
      const person = persons[i]!;
      assert.equal(person.healthCode !== null, row.coded);
      assert.equal(person.feverClinicVisits.nodes.length, row.visits);
      assert.equal(person.healthDeclarations.nodes.length, row.declarations);
    });
    assert.ok(rows.some((r) => r.coded) && rows.some((r) => !r.coded), "the sample crosses the scope");
    assert.equal(statements, 3);
  });

  test("Community.riskTier is null for communities outside the scope", async () => {
    const { rows } = await h.pool.query<{ community_id: number; district_code: string; level: string }>(
      "SELECT community_id, district_code, level::text AS level FROM health.community_risk_tier ORDER BY community_id",
    );
    const representations = rows.map((r) => ({ __typename: "Community", id: String(r.community_id) }));
    const query = `${ENTITIES} fragment fields on Community { id riskTier { level } }`;
    type Tiered = Entities<{ id: string; riskTier: { level: string } | null }>;
    const { response, statements } = await h.counted<Tiered>(query, { representations }, jinshui);
    assert.equal(response.errors, undefined);
    assert.deepEqual(
      response.data!._entities,
      rows.map((r) => ({
        id: String(r.community_id),
        riskTier: r.district_code === JINSHUI ? { level: r.level } : null,
      })),
    );
    assert.ok(rows.some((r) => r.district_code !== JINSHUI) && rows.some((r) => r.district_code === JINSHUI));
    assert.equal(statements, 1);
    const all = await h.query<Tiered>(query, { representations }, unscoped);
    assert.ok(
      all.data!._entities.every((c) => c!.riskTier !== null),
      "the unscoped principal sees every tier",
    );
  });

  test("refuses the same request without a gateway token with HTTP 401", async () => {
    const response = await fetch(h.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ query: LISTS.feverClinics, variables: {} }),
    });
    assert.equal(response.status, 401);
    const body = (await response.json()) as { data?: unknown };
    assert.equal(body.data, undefined);
  });
});
