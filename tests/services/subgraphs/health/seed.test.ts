import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SEED_EPOCH, personIdAt, populationSize } from "@citygraph/core";
import { healthSeed } from "../../../../services/subgraphs/health/src/seed.ts";
import {
  feverClinicVisitAt,
  visitCount,
  visitsOfPerson,
} from "../../../../services/subgraphs/health/src/fever-clinic-visit/fever-clinic-visit.seed.ts";
import {
  healthDeclarationAt,
  declarationCount,
} from "../../../../services/subgraphs/health/src/health-declaration/health-declaration.seed.ts";
import { healthCodeAt } from "../../../../services/subgraphs/health/src/health-code/health-code.seed.ts";
import { communityRiskTierAt } from "../../../../services/subgraphs/health/src/community-risk-tier/community-risk-tier.seed.ts";
import { CASE_COUNT_ROWS, caseCountAt } from "../../../../services/subgraphs/health/src/case-count/case-count.seed.ts";

const DAY_MS = 86_400_000;

function counts(scale: number) {
  return Object.fromEntries(healthSeed.tables(scale).map((t) => [t.table, t.count]));
}

describe("health seed", () => {
  test("scales visits to 5% and declarations to twice the persons, with one code per person", () => {
    assert.deepEqual(counts(1), {
      "health.fever_clinic": 60,
      "health.fever_clinic_visit": 100,
      "health.health_declaration": 4_000,
      "health.health_code": 2_000,
      "health.community_risk_tier": 122,
      "health.case_count": 960,
    });
    assert.deepEqual(counts(500), {
      "health.fever_clinic": 60,
      "health.fever_clinic_visit": 50_000,
      "health.health_declaration": 2_000_000,
      "health.health_code": 1_000_000,
      "health.community_risk_tier": 10_800,
      "health.case_count": 960,
    });
  });

  test("computes every row from its index alone, so a resumed seed writes what a full one would", () => {
    const size = populationSize(20);
    for (const table of healthSeed.tables(20)) {
      const probe = [table.count - 1, 0, Math.floor(table.count / 2), 1];
      const first = probe.map((i) => JSON.stringify(table.row(i)));
      const again = [...probe]
        .reverse()
        .map((i) => JSON.stringify(table.row(i)))
        .reverse();
      assert.deepEqual(again, first, table.table);
    }
    assert.deepEqual(feverClinicVisitAt(17, size), feverClinicVisitAt(17, populationSize(20)));
  });

  test("keeps visits in the 60 days before the epoch, temperatures mostly 37.3-38.5 °C", () => {
    const size = populationSize(20);
    let inBand = 0;
    const count = visitCount(size);
    for (let i = 0; i < count; i++) {
      const v = feverClinicVisitAt(i, size);
      assert.ok(
        v.visitedAt < SEED_EPOCH && v.visitedAt.getTime() >= SEED_EPOCH.getTime() - 60 * DAY_MS,
        `visit ${i} time`,
      );
      assert.equal(Math.round(v.temperature * 10) / 10, v.temperature, "one decimal");
      assert.ok(v.temperature >= 36 && v.temperature <= 40.5);
      assert.equal(
        v.symptoms.includes("发热"),
        v.temperature >= 37.3,
        `visit ${i}: fever is listed exactly when measured`,
      );
      if (v.temperature >= 37.3 && v.temperature <= 38.5) inBand++;
    }
    assert.ok(inBand / count > 0.75, `${inBand} of ${count} in band`);
  });

  test("issues about 92% green, 6% yellow and 2% red health codes", () => {
    const size = populationSize(20);
    const tally = { GREEN: 0, YELLOW: 0, RED: 0 };
    for (let i = 0; i < size.persons; i++) {
      const code = healthCodeAt(i, size);
      tally[code.color]++;
      assert.equal(code.personId, personIdAt(i));
      assert.equal(code.reason === null, code.color === "GREEN");
      assert.ok(code.assignedAt < SEED_EPOCH);
    }
    const share = (n: number) => n / size.persons;
    assert.ok(Math.abs(share(tally.GREEN) - 0.92) < 0.015, JSON.stringify(tally));
    assert.ok(Math.abs(share(tally.YELLOW) - 0.06) < 0.012, JSON.stringify(tally));
    assert.ok(Math.abs(share(tally.RED) - 0.02) < 0.008, JSON.stringify(tally));
  });

  test("agrees with itself: recent fever-clinic patients and sealed-zone residents carry matching codes", () => {
    const size = populationSize(20);
    let checked = 0;
    for (let i = 0; i < size.persons; i++) {
      const code = healthCodeAt(i, size);
      const visits = visitsOfPerson(i, size);
      for (const v of visits) assert.equal(v.personId, code.personId);
      if (code.reason === "发热门诊就诊") {
        checked++;
        assert.ok(SEED_EPOCH.getTime() - visits.at(-1)!.visitedAt.getTime() < 7 * DAY_MS);
      }
      if (code.reason === "封控区人员") assert.equal(code.color, "RED");
    }
    assert.ok(checked > 0);
    // Every visit belongs to the person visitsOfPerson finds it under.
    for (let i = 0; i < visitCount(size); i++) {
      const v = feverClinicVisitAt(i, size);
      assert.ok(
        visitsOfPerson(v.personIndex, size).some((w) => w.id === v.id),
        `visit ${i}`,
      );
    }
  });

  test("never gives a person two declarations on one day", () => {
    const size = populationSize(5);
    const seen = new Set<string>();
    for (let i = 0; i < declarationCount(size); i++) {
      const d = healthDeclarationAt(i, size);
      const key = `${d.personId}/${d.declaredOn}`;
      assert.ok(!seen.has(key), key);
      seen.add(key);
      assert.ok(d.declaredOn >= "2026-11-06" && d.declaredOn <= "2026-11-19", d.declaredOn);
    }
  });

  test("keeps most communities in the precaution tier and counts mostly zero outside one wave", () => {
    const levels = { LOW: 0, MEDIUM: 0, HIGH: 0 };
    for (let j = 0; j < 10_800; j++) levels[communityRiskTierAt(j).level]++;
    assert.ok(
      levels.LOW / 10_800 > 0.9 && levels.HIGH > 0 && levels.MEDIUM > levels.HIGH,
      JSON.stringify(levels),
    );
    let zero = 0;
    let peak = 0;
    for (let i = 0; i < CASE_COUNT_ROWS; i++) {
      const c = caseCountAt(i);
      if (c.confirmed + c.asymptomatic === 0) zero++;
      peak = Math.max(peak, c.confirmed + c.asymptomatic);
    }
    assert.ok(zero / CASE_COUNT_ROWS > 0.5, `${zero} zero rows`);
    assert.ok(peak > 30, `peak ${peak}`);
  });
});
