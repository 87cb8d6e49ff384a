import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SEED_EPOCH, personAt, personIdAt, populationSize } from "@citygraph/core";
import { startEnterprise, type EnterpriseHarness } from "./harness.ts";

const ENTITIES = `query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Person { id employment { position since enterprise { creditCode resumptionStatus } } }
  }
}`;

type PersonEntity = { id: string; employment: { position: string; since: string; enterprise: { creditCode: string; resumptionStatus: string | null } } | null };

describe("employment of persons", () => {
  let h: EnterpriseHarness;
  before(async () => {
    h = await startEnterprise();
  });
  after(() => h.stop());

  it("resolves 500 persons' employment with one SQL statement", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(i));
    const { response, statements } = await h.counted<{ _entities: { id: string; employment: { position: string } | null }[] }>(
      `query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Person { id employment { position } } } }`,
      { representations: ids.map((id) => ({ __typename: "Person", id })) },
    );
    assert.equal(response.errors, undefined);
    assert.equal(statements, 1);
    const entities = response.data!._entities;
    assert.deepEqual(entities.map((e) => e.id), ids);
    const { rows } = await h.pool.query("SELECT person_id FROM enterprise.employment WHERE person_id = ANY($1)", [ids]);
    const employed = new Set(rows.map((r) => r.person_id));
    assert.ok(employed.size > 100, "a good share of persons are employed");
    for (const entity of entities) assert.equal(entity.employment !== null, employed.has(entity.id), entity.id);
  });

  it("reaches 500 persons' employers and their resumption status in three statements", async () => {
    const ids = Array.from({ length: 500 }, (_, i) => personIdAt(1_000 + i));
    const { response, statements } = await h.counted<{ _entities: PersonEntity[] }>(ENTITIES, {
      representations: ids.map((id) => ({ __typename: "Person", id })),
    });
    assert.equal(response.errors, undefined);
    // Employment by person, enterprises by credit code, latest application per enterprise.
    assert.equal(statements, 3);
    const withJob = response.data!._entities.filter((e) => e.employment);
    assert.ok(withJob.length > 100);
    const { rows } = await h.pool.query(
      `SELECT DISTINCT ON (enterprise_credit_code) enterprise_credit_code, status::text AS status
       FROM enterprise.resumption_application ORDER BY enterprise_credit_code, submitted_at DESC, id DESC`,
    );
    const latest = new Map(rows.map((r) => [r.enterprise_credit_code, r.status]));
    for (const entity of withJob) {
      assert.equal(entity.employment!.enterprise.resumptionStatus, latest.get(entity.employment!.enterprise.creditCode));
    }
  });

  it("costs the same for one person as for five hundred", async () => {
    const one = await h.counted(ENTITIES, { representations: [{ __typename: "Person", id: personIdAt(3) }] });
    assert.equal(one.response.errors, undefined);
    assert.ok(one.statements <= 3);
  });

  it("answers null employment for children, the retired and unknown ids", async () => {
    const { rows } = await h.pool.query("SELECT person_id FROM enterprise.employment");
    const employed = new Set(rows.map((r) => r.person_id));
    const unemployed = Array.from({ length: 2_000 }, (_, i) => personIdAt(i)).find((id) => !employed.has(id))!;
    const response = await h.query<{ _entities: PersonEntity[] }>(ENTITIES, {
      representations: [unemployed, "ffffffffffffffff", "not-an-id", 42].map((id) => ({ __typename: "Person", id })),
    });
    assert.equal(response.errors, undefined);
    assert.ok(response.data!._entities.every((e) => e.employment === null));
  });

  it("employs only persons aged 18 to 60, about 60% of them", async () => {
    const size = populationSize(1);
    const { rows } = await h.pool.query("SELECT person_id FROM enterprise.employment");
    assert.equal(new Set(rows.map((r) => r.person_id)).size, rows.length);
    // Ages on the epoch's Zhengzhou calendar date.
    const localEpoch = new Date(SEED_EPOCH.getTime() + 8 * 3_600_000);
    const employed = new Set(rows.map((r) => r.person_id));
    let eligible = 0;
    let eligibleEmployed = 0;
    for (let i = 0; i < size.persons; i++) {
      const person = personAt(i, size);
      const b = person.birthDate;
      let age = localEpoch.getUTCFullYear() - b.getUTCFullYear();
      if (localEpoch.getUTCMonth() * 100 + localEpoch.getUTCDate() < b.getUTCMonth() * 100 + b.getUTCDate()) age--;
      const isEligible = age >= 18 && age <= 60;
      if (isEligible) eligible++;
      if (employed.has(person.id)) {
        assert.ok(isEligible, `person ${i} is ${age}`);
        eligibleEmployed++;
      }
    }
    assert.equal(eligibleEmployed, rows.length);
    const rate = eligibleEmployed / eligible;
    assert.ok(rate > 0.52 && rate < 0.68, `employment rate ${rate}`);
  });

  it("keeps every enterprise's employee count equal to its employment rows", async () => {
    const { rows } = await h.pool.query(`
      SELECT e.credit_code, e.employee_count, count(m.person_id)::int AS staff
      FROM enterprise.enterprise e LEFT JOIN enterprise.employment m ON m.enterprise_credit_code = e.credit_code
      GROUP BY e.credit_code, e.employee_count`);
    assert.ok(rows.length > 0);
    for (const row of rows) assert.equal(row.staff, row.employee_count, row.credit_code);
    assert.ok(rows.every((r) => r.staff >= 1));
  });

  it("records employment in the employer's district and never before the employer existed", async () => {
    const { rows } = await h.pool.query(`
      SELECT count(*)::int AS n FROM enterprise.employment m JOIN enterprise.enterprise e ON e.credit_code = m.enterprise_credit_code
      WHERE m.district_code <> e.district_code OR m.since < e.established_on OR m.since >= DATE '2026-11-20'`);
    assert.equal(rows[0].n, 0);
  });
});
