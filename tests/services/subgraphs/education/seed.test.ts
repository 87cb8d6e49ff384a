import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DISTRICTS, SEED_EPOCH, personAt, personIdAt, populationSize } from "@citygraph/core";
import { HEALTH_CHECK_DAYS, educationSeed, schoolCount } from "../../../../services/subgraphs/education/src/seed.ts";

/** Rows of a table by name, as objects keyed by column. */
function rowsOf(scale: number, table: string): Record<string, unknown>[] {
  const t = educationSeed.tables(scale).find((x) => x.table === `education.${table}`)!;
  return Array.from({ length: t.count }, (_, i) =>
    Object.fromEntries(t.columns.map((c, n) => [c, t.row(i)[n]])),
  );
}

/** Age in whole years on the Beijing calendar day of SEED_EPOCH (2026-11-20). */
function ageAtEpoch(birth: Date): number {
  const epoch = new Date(SEED_EPOCH.getTime() + 8 * 3_600_000);
  const before =
    birth.getUTCMonth() > epoch.getUTCMonth() ||
    (birth.getUTCMonth() === epoch.getUTCMonth() && birth.getUTCDate() > epoch.getUTCDate());
  return epoch.getUTCFullYear() - birth.getUTCFullYear() - (before ? 1 : 0);
}

const GRADES = { PRIMARY: [1, 6], JUNIOR_SECONDARY: [7, 9], SENIOR_SECONDARY: [10, 12] } as Record<
  string,
  [number, number]
>;

describe("education seed", () => {
  it("creates max(30, persons / 1000) schools: 30 at scale 1, 1000 at scale 500", () => {
    assert.equal(schoolCount(1), 30);
    assert.equal(schoolCount(500), 1000);
    assert.equal(educationSeed.tables(1).find((t) => t.table === "education.school")!.count, 30);
  });

  it("gives every school a unique name and every district a primary school", () => {
    for (const scale of [1, 500]) {
      const schools = rowsOf(scale, "school");
      assert.equal(
        new Set(schools.map((s) => s.name)).size,
        schools.length,
        `names unique at scale ${scale}`,
      );
      assert.deepEqual(
        schools.map((s) => s.id),
        schools.map((_, i) => i + 1),
      );
      const primaryDistricts = new Set(
        schools.filter((s) => s.stage === "PRIMARY").map((s) => s.district_code),
      );
      assert.equal(
        primaryDistricts.size,
        DISTRICTS.length,
        `every district has a primary school at scale ${scale}`,
      );
      for (const s of schools) assert.ok(DISTRICTS.some((d) => d.code === s.district_code));
    }
  });

  it("spreads schools over districts by population", () => {
    const schools = rowsOf(500, "school");
    const count = (code: string) => schools.filter((s) => s.district_code === code).length;
    // 金水区 (1.63M residents) against 上街区 (0.14M).
    assert.ok(count("410105") > 5 * count("410106"), `${count("410105")} vs ${count("410106")}`);
    const stages = schools.reduce<Record<string, number>>(
      (acc, s) => ({ ...acc, [s.stage as string]: (acc[s.stage as string] ?? 0) + 1 }),
      {},
    );
    assert.deepEqual(stages, { PRIMARY: 550, JUNIOR_SECONDARY: 280, SENIOR_SECONDARY: 170 });
  });

  it("enrols exactly the persons aged 6-17 who have started school, once each, in a school of their grade's stage", () => {
    const size = populationSize(1);
    const schools = new Map(rowsOf(1, "school").map((s) => [s.id, s]));
    const enrolments = rowsOf(1, "enrolment");
    const byPerson = new Map(enrolments.map((e) => [e.person_id, e]));
    assert.equal(byPerson.size, enrolments.length, "one enrolment per person");
    let sixYearOldsInKindergarten = 0;
    for (let i = 0; i < size.persons; i++) {
      const person = personAt(i, size);
      const age = ageAtEpoch(person.birthDate);
      const enrolment = byPerson.get(person.id);
      if (age < 6 || age > 17) {
        assert.equal(enrolment, undefined, "nobody outside 6-17 is enrolled");
        continue;
      }
      if (!enrolment) {
        // Only six-year-olds born after Aug 31 may still be in kindergarten.
        assert.equal(age, 6);
        assert.ok(person.birthDate.getUTCMonth() >= 8);
        sixYearOldsInKindergarten++;
        continue;
      }
      const grade = enrolment.grade as number;
      assert.ok(grade === age - 5 || grade === age - 6, `age ${age} in grade ${grade}`);
      const school = schools.get(enrolment.school_id)!;
      const [first, last] = GRADES[school.stage as string]!;
      assert.ok(grade >= first && grade <= last, `grade ${grade} at a ${school.stage} school`);
      assert.equal(enrolment.district_code, school.district_code, "the school's district is copied");
      assert.ok((enrolment.class_number as number) >= 1);
      assert.ok((enrolment.enrolled_since as string) < "2026-11-20");
    }
    assert.ok(enrolments.length > 150, `${enrolments.length} pupils among ${size.persons} persons`);
    assert.ok(sixYearOldsInKindergarten < enrolments.length / 10);
  });

  it("places most pupils at a school in their own district", () => {
    const size = populationSize(500);
    const schools = rowsOf(500, "school");
    const enrolment = educationSeed.tables(500).find((t) => t.table === "education.enrolment")!;
    const offered = new Set(schools.map((s) => `${s.district_code}/${s.stage}`));
    let local = 0;
    let couldBeLocal = 0;
    const personIndex = new Map(Array.from({ length: size.persons }, (_, i) => [personIdAt(i), i]));
    // Every 50th pupil: enough for a share, and fast.
    for (let k = 0; k < enrolment.count; k += 50) {
      const [, personId, schoolId, districtCode] = enrolment.row(k) as [number, string, number, string];
      const stage = schools[schoolId - 1]!.stage;
      const home = personAt(personIndex.get(personId)!, size).districtCode;
      if (!offered.has(`${home}/${stage}`)) continue;
      couldBeLocal++;
      if (home === districtCode) local++;
    }
    assert.ok(local / couldBeLocal > 0.9, `${local} of ${couldBeLocal} local`);
  });

  it("generates rows as pure functions of their index, in any order and on any call", () => {
    for (const table of educationSeed.tables(1)) {
      const again = educationSeed.tables(1).find((t) => t.table === table.table)!;
      const forwards = Array.from({ length: table.count }, (_, i) => table.row(i));
      for (let i = table.count - 1; i >= 0; i--)
        assert.deepEqual(again.row(i), forwards[i], `${table.table} row ${i}`);
    }
  });

  it("writes health checks for the 14 days before SEED_EPOCH whose counts add up", () => {
    const checks = rowsOf(1, "school_health_check");
    const enrolled = new Map<unknown, number>();
    for (const e of rowsOf(1, "enrolment")) enrolled.set(e.school_id, (enrolled.get(e.school_id) ?? 0) + 1);
    assert.equal(checks.length, 30 * HEALTH_CHECK_DAYS);
    const dates = [...new Set(checks.map((c) => c.date))].sort();
    assert.deepEqual([dates[0], dates.at(-1), dates.length], ["2026-11-06", "2026-11-19", 14]);
    for (const c of checks) {
      const [expected, checked, fever, absent] = [
        c.students_expected,
        c.students_checked,
        c.with_fever,
        c.absent_for_illness,
      ] as number[];
      assert.equal(expected, enrolled.get(c.school_id) ?? 0, "expects every enrolled pupil");
      assert.ok(checked! <= expected! && fever! <= checked! && fever! <= absent! && absent! <= expected!);
      assert.ok((c.reported_at as Date).getTime() < SEED_EPOCH.getTime());
    }
  });

  it("keeps reopening records consistent with their status", () => {
    const schools = new Map(rowsOf(1, "school").map((s) => [s.id, s]));
    const statuses = new Set<unknown>();
    for (const r of rowsOf(500, "school_reopening")) statuses.add(r.status);
    assert.deepEqual([...statuses].sort(), ["CLOSED", "ONLINE", "PARTIAL", "REOPENED"]);
    for (const r of rowsOf(1, "school_reopening")) {
      const grades = (r.grades_on_site as string).slice(1, -1).split(",").filter(Boolean).map(Number);
      const [first, last] = GRADES[schools.get(r.school_id)!.stage as string]!;
      switch (r.status) {
        case "REOPENED":
          assert.deepEqual(
            grades,
            Array.from({ length: last - first + 1 }, (_, g) => first + g),
          );
          assert.ok(
            (r.reopened_date as string) < "2026-11-20" &&
              (r.reopened_date as string) >= (r.planned_date as string),
          );
          break;
        case "PARTIAL":
          assert.ok(
            grades.length > 0 && grades.length < last - first + 1 && grades.at(-1) === last,
            "graduating grades first",
          );
          assert.ok((r.reopened_date as string) < "2026-11-20");
          break;
        default:
          assert.deepEqual(grades, []);
          assert.equal(r.reopened_date, null);
      }
      assert.ok((r.approval_note as string).length > 10);
      assert.ok((r.updated_at as Date).getTime() < SEED_EPOCH.getTime());
    }
  });
});
