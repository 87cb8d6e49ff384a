import {
  DISTRICTS,
  Rng,
  SEED_EPOCH,
  WeightedTable,
  personAt,
  personIdAt,
  populationSize,
  type DistrictInfo,
  type SeedPlan,
  type SeedTable,
} from "@citygraph/core";
import { SchoolStage } from "./school/school.type.ts";
import { ReopeningStatus } from "./school-reopening/school-reopening.type.ts";
import { STAGE_GRADES, chineseNumeral, gradeLabel, stageOfGrade } from "./school/school.grades.ts";

/**
 * The education bureau's synthetic data, derived from the shared population: every pupil is a
 * registry person aged 6-17 at SEED_EPOCH, placed by the Aug-31 cut-off in grades 1-12 and enrolled
 * at a school of that stage, most often in their own district.
 */

const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3_600_000;
/** The seed's "today" (2026-11-20, Beijing) at UTC midnight, the way DATE columns read back. */
const EPOCH_DAY = Math.floor((SEED_EPOCH.getTime() + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS;
const EPOCH = new Date(EPOCH_DAY);
/** The school year running at SEED_EPOCH starts in September of this year. */
const SCHOOL_YEAR = EPOCH.getUTCMonth() >= 8 ? EPOCH.getUTCFullYear() : EPOCH.getUTCFullYear() - 1;

/** Days of health-check reports per school, ending the day before SEED_EPOCH. */
export const HEALTH_CHECK_DAYS = 14;

/** Schools at a scale: one per thousand residents, never fewer than 30. */
export function schoolCount(scale: number): number {
  return Math.max(30, Math.floor(populationSize(scale).persons / 1000));
}

/** How schools of a stage are sized: classes per grade, and pupils per class. */
interface StageProfile {
  stage: SchoolStage;
  /** Share of all schools, roughly Zhengzhou's mix. */
  share: number;
  classes: [number, number];
  /** The national standard class size (45 primary, 50 secondary). */
  classSize: number;
}

const STAGES: readonly StageProfile[] = [
  { stage: SchoolStage.PRIMARY, share: 0.55, classes: [3, 10], classSize: 45 },
  { stage: SchoolStage.JUNIOR_SECONDARY, share: 0.28, classes: [6, 16], classSize: 50 },
  { stage: SchoolStage.SENIOR_SECONDARY, share: 0.17, classes: [8, 18], classSize: 50 },
];

/** The six districts of the city proper, whose municipal secondary schools carry city-wide numbers. */
const CITY_PROPER = new Set(["410102", "410103", "410104", "410105", "410106", "410108"]);
/** How school names write the zones (their full names never appear in one). */
const ZONE_PREFIX: Record<string, string> = {
  "410171": "郑州航空港区",
  "410172": "郑州高新区",
  "410173": "郑州经开区",
  "410190": "郑州市郑东新区",
};
const FAMOUS_SENIOR = ["郑州外国语学校", "河南省实验中学"];
/** Municipal numbering stops here; later schools are named by district, as newer ones are. */
const MAX_CITY_NUMBER = 120;
const ROADS =
  "文化路 纬五路 经三路 农业路 黄河路 丰产路 花园路 建设路 中原路 嵩山路 桐柏路 伏牛路 淮河路 陇海路 航海路 紫荆山路 商城路 未来路 金水路 大学路".split(
    " ",
  );

/** A school of the seed. Ids are list positions + 1. */
interface SeedSchool {
  id: number;
  name: string;
  stage: SchoolStage;
  district: DistrictInfo;
  address: string;
  capacity: number;
  classesPerGrade: number;
}

/** Everything the rows of one scale derive from; computed once per scale and cached. */
interface EducationSeedModel {
  schools: SeedSchool[];
  /** Person index of each pupil, ascending; enrolment `k` is pupil `k`. */
  pupils: Int32Array;
  grades: Uint8Array;
  /** Index into `schools` of each pupil's school. */
  schoolOf: Int32Array;
  /** Enrolled pupils per school index: what its health checks expect. */
  enrolled: Int32Array;
}

const models = new Map<number, EducationSeedModel>();

/** Schools, enrolments, reopening status and 14 days of health checks per school. */
export const educationSeed: SeedPlan = {
  schema: "education",
  tables(scale) {
    const model = modelAt(scale);
    const { schools, pupils, grades, schoolOf, enrolled } = model;
    const school: SeedTable = {
      table: "education.school",
      columns: ["id", "name", "stage", "district_code", "address", "capacity"],
      count: schools.length,
      row: (j) => {
        const s = schools[j]!;
        return [s.id, s.name, s.stage, s.district.code, s.address, s.capacity];
      },
    };
    const reopening: SeedTable = {
      table: "education.school_reopening",
      columns: [
        "school_id",
        "district_code",
        "status",
        "planned_date",
        "reopened_date",
        "grades_on_site",
        "approval_note",
        "updated_at",
      ],
      count: schools.length,
      row: (j) => {
        const s = schools[j]!;
        const r = reopeningOf(s);
        return [
          s.id,
          s.district.code,
          r.status,
          r.plannedDay === null ? null : isoDate(r.plannedDay),
          r.reopenedDay === null ? null : isoDate(r.reopenedDay),
          `{${r.gradesOnSite.join(",")}}`,
          r.approvalNote,
          r.updatedAt,
        ];
      },
    };
    const enrolment: SeedTable = {
      table: "education.enrolment",
      columns: ["id", "person_id", "school_id", "district_code", "grade", "class_number", "enrolled_since"],
      count: pupils.length,
      row: (k) => {
        const i = pupils[k]!;
        const grade = grades[k]!;
        const s = schools[schoolOf[k]!]!;
        const rng = Rng.for("enrolment-class", i);
        return [
          k + 1,
          personIdAt(i),
          s.id,
          s.district.code,
          grade,
          rng.int(1, s.classesPerGrade),
          isoDate(enrolledSinceDay(rng, grade)),
        ];
      },
    };
    const healthCheck: SeedTable = {
      table: "education.school_health_check",
      columns: [
        "school_id",
        "date",
        "district_code",
        "students_expected",
        "students_checked",
        "with_fever",
        "absent_for_illness",
        "reported_at",
      ],
      count: schools.length * HEALTH_CHECK_DAYS,
      row: (r) => {
        const j = Math.floor(r / HEALTH_CHECK_DAYS);
        const s = schools[j]!;
        const day = EPOCH_DAY - (HEALTH_CHECK_DAYS - (r % HEALTH_CHECK_DAYS)) * DAY_MS;
        const rng = Rng.for("school-health-check", r);
        const expected = enrolled[j]!;
        const checked = expected - binomial(rng, expected, 0.012);
        // A closed school is closed because of cases: its pupils run fevers more often.
        const feverRate = reopeningOf(s).status === ReopeningStatus.CLOSED ? 0.015 : 0.003;
        const withFever = binomial(rng, checked, feverRate);
        const absent = withFever + binomial(rng, expected - withFever, 0.009);
        // Morning checks are filed between 07:00 and 09:30.
        return [
          s.id,
          isoDate(day),
          s.district.code,
          expected,
          checked,
          withFever,
          absent,
          beijingTime(day, 7 * 60 + rng.int(0, 150)),
        ];
      },
    };
    return [school, reopening, enrolment, healthCheck];
  },
};

function modelAt(scale: number): EducationSeedModel {
  let model = models.get(scale);
  if (!model) {
    model = buildModel(scale);
    models.set(scale, model);
  }
  return model;
}

function buildModel(scale: number): EducationSeedModel {
  const size = populationSize(scale);
  const schools = buildSchools(schoolCount(scale));
  const byStage = new Map<SchoolStage, number[]>();
  const byDistrictStage = new Map<string, number[]>();
  schools.forEach((s, j) => {
    push(byStage, s.stage, j);
    push(byDistrictStage, `${s.district.code}/${s.stage}`, j);
  });
  // Bigger schools take more pupils.
  const tables = new Map<number[], WeightedTable<number>>();
  const tableOf = (indices: number[]) => {
    let table = tables.get(indices);
    if (!table) tables.set(indices, (table = new WeightedTable(indices, (j) => schools[j]!.capacity)));
    return table;
  };
  const pupils: number[] = [];
  const grades: number[] = [];
  const schoolOf: number[] = [];
  const enrolled = new Int32Array(schools.length);
  for (let i = 0; i < size.persons; i++) {
    const person = personAt(i, size);
    const grade = gradeAtEpoch(person.birthDate);
    if (grade === null) continue;
    const stage = stageOfGrade(grade);
    const rng = Rng.for("enrolment", i);
    const local = byDistrictStage.get(`${person.districtCode}/${stage}`);
    // Most pupils attend school in their own district (就近入学); the rest cross districts, or must
    // when their district has no school of the stage.
    const candidates = local && rng.chance(0.95) ? local : byStage.get(stage)!;
    const j = tableOf(candidates).at(rng.next());
    pupils.push(i);
    grades.push(grade);
    schoolOf.push(j);
    enrolled[j]!++;
  }
  return {
    schools,
    pupils: Int32Array.from(pupils),
    grades: Uint8Array.from(grades),
    schoolOf: Int32Array.from(schoolOf),
    enrolled,
  };
}

/**
 * A person's grade in the school year running at SEED_EPOCH, or null when not at school: only
 * persons aged 6-17 at SEED_EPOCH are enrolled, and six-year-olds born after Aug 31 are still in
 * kindergarten until next September.
 */
function gradeAtEpoch(birthDate: Date): number | null {
  const year = birthDate.getUTCFullYear();
  const month = birthDate.getUTCMonth();
  const day = birthDate.getUTCDate();
  const birthdayPassed =
    month < EPOCH.getUTCMonth() || (month === EPOCH.getUTCMonth() && day <= EPOCH.getUTCDate());
  const age = EPOCH.getUTCFullYear() - year - (birthdayPassed ? 0 : 1);
  if (age < 6 || age > 17) return null;
  // Children start grade 1 in the September after they turn six by Aug 31.
  const firstYear = year + 6 + (month >= 8 ? 1 : 0);
  const grade = SCHOOL_YEAR - firstYear + 1;
  return grade >= 1 && grade <= 12 ? grade : null;
}

/** First day at the school: September 1 of the stage's first year, or a later term start for transfers. */
function enrolledSinceDay(rng: Rng, grade: number): number {
  const { first } = STAGE_GRADES[stageOfGrade(grade)];
  const stageStartYear = SCHOOL_YEAR - (grade - first);
  const start = Date.UTC(stageStartYear, 8, 1);
  if (!rng.chance(0.06)) return start;
  // Transfers join at a term start: September 1 or the spring term's (about February 20).
  const terms: number[] = [];
  for (let y = stageStartYear; y <= SCHOOL_YEAR; y++) {
    for (const term of [Date.UTC(y, 1, 20), Date.UTC(y, 8, 1)])
      if (term > start && term < EPOCH_DAY) terms.push(term);
  }
  return terms.length > 0 ? rng.pick(terms) : start + rng.int(14, 60) * DAY_MS;
}

/** Allocates `count` schools to stages, then each stage's schools to districts by population. */
function buildSchools(count: number): SeedSchool[] {
  const shares = STAGES.map((s) => s.share);
  const stageCounts = apportion(count, shares);
  const perDistrict = STAGES.map((_, s) => {
    const n = stageCounts[s]!;
    const weights = DISTRICTS.map((d) => d.populationK);
    // Every district gets a school of a stage before any gets a second, when there are enough.
    if (n < DISTRICTS.length) return apportion(n, weights);
    return apportion(n - DISTRICTS.length, weights).map((c) => c + 1);
  });
  const schools: SeedSchool[] = [];
  const names = createSchoolNamer();
  DISTRICTS.forEach((district, d) => {
    STAGES.forEach((stage, s) => {
      for (let k = 0; k < perDistrict[s]![d]!; k++) {
        const id = schools.length + 1;
        const rng = Rng.for("school", id);
        const { name, road } = names(district, stage.stage, k);
        const classesPerGrade = rng.int(stage.classes[0], stage.classes[1]);
        const { first, last } = STAGE_GRADES[stage.stage];
        schools.push({
          id,
          name,
          stage: stage.stage,
          district,
          // Zones drop their leading 郑州 after the city's name (郑州市高新技术产业开发区...).
          address: `河南省郑州市${district.name.replace(/^郑州/, "")}${road ?? rng.pick(ROADS)}${rng.int(1, 320)}号`,
          capacity: classesPerGrade * (last - first + 1) * stage.classSize,
          classesPerGrade,
        });
      }
    });
  });
  return schools;
}

/**
 * Names schools the way Zhengzhou's are named: 郑州市金水区实验小学 and road-named primaries,
 * city-numbered secondaries in the city proper (郑州市第七中学), numbered 初级中学/高级中学 in the
 * counties (中牟县第一高级中学). Names are unique by construction (ordinals per district and stage).
 */
function createSchoolNamer() {
  let cityNumber = 0;
  let famous = 0;
  return (district: DistrictInfo, stage: SchoolStage, k: number): { name: string; road?: string } => {
    const prefix =
      ZONE_PREFIX[district.code] ?? (district.name.endsWith("区") ? `郑州市${district.name}` : district.name);
    if (stage === SchoolStage.PRIMARY) {
      if (k === 0) return { name: `${prefix}实验小学` };
      const road = ROADS[(k - 1) % ROADS.length]!;
      const round = Math.floor((k - 1) / ROADS.length);
      return { name: `${prefix}${road}${round > 0 ? `第${chineseNumeral(round + 1)}` : ""}小学`, road };
    }
    if (CITY_PROPER.has(district.code)) {
      if (stage === SchoolStage.SENIOR_SECONDARY && famous < FAMOUS_SENIOR.length)
        return { name: FAMOUS_SENIOR[famous++]! };
      if (cityNumber < MAX_CITY_NUMBER) return { name: `郑州市第${chineseNumeral(++cityNumber)}中学` };
    }
    const kind = stage === SchoolStage.JUNIOR_SECONDARY ? "初级中学" : "高级中学";
    return { name: `${prefix}第${chineseNumeral(k + 1)}${kind}` };
  };
}

/** Splits `total` in proportion to `weights` by largest remainder; ties go to the earlier item. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => [x - Math.floor(x), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return counts;
}

/** Reopening status across schools at SEED_EPOCH, as cumulative shares: most are back, a few sealed. */
const STATUS_SHARES: readonly (readonly [ReopeningStatus, number])[] = [
  [ReopeningStatus.REOPENED, 0.55],
  [ReopeningStatus.PARTIAL, 0.8],
  [ReopeningStatus.ONLINE, 0.94],
  [ReopeningStatus.CLOSED, 1],
];

/** A school's reopening record: a pure function of the school. */
function reopeningOf(school: SeedSchool) {
  const rng = Rng.for("school-reopening", school.id);
  const u = rng.next();
  const status = STATUS_SHARES.find(([, upTo]) => u < upTo)![0];
  const { first, last } = STAGE_GRADES[school.stage];
  const allGrades = Array.from({ length: last - first + 1 }, (_, g) => first + g);
  const bureau = `${school.district.name}教育局`;
  const command = `${school.district.name}疫情防控指挥部`;
  let plannedDay: number | null = null;
  let reopenedDay: number | null = null;
  let gradesOnSite: number[] = [];
  let approvalNote: string;
  switch (status) {
    case ReopeningStatus.REOPENED:
      plannedDay = EPOCH_DAY - rng.int(3, 18) * DAY_MS;
      reopenedDay = plannedDay + (rng.chance(0.8) ? 0 : rng.int(1, 2)) * DAY_MS;
      gradesOnSite = allGrades;
      approvalNote = `经${bureau}会同${command}现场验收，防控措施落实到位，同意全校于${monthDay(reopenedDay)}恢复线下教学。`;
      break;
    case ReopeningStatus.PARTIAL: {
      // Graduating classes return first (毕业年级优先返校).
      plannedDay = reopenedDay = EPOCH_DAY - rng.int(1, 10) * DAY_MS;
      gradesOnSite = rng.chance(0.5) ? [last - 1, last] : [last];
      const labels = gradesOnSite.map(gradeLabel).join("、");
      approvalNote = `经${bureau}验收，同意${labels}于${monthDay(reopenedDay)}返校复课；其余年级继续线上教学，返校时间另行通知。`;
      break;
    }
    case ReopeningStatus.ONLINE:
      plannedDay = rng.chance(0.75) ? EPOCH_DAY + rng.int(1, 21) * DAY_MS : null;
      approvalNote =
        plannedDay === null
          ? `实行线上教学（停课不停学），返校时间待${command}评估后确定。`
          : `实行线上教学（停课不停学），计划于${monthDay(plannedDay)}起分年级错峰返校，须经复课验收。`;
      break;
    case ReopeningStatus.CLOSED:
      plannedDay = rng.chance(0.4) ? EPOCH_DAY + rng.int(7, 28) * DAY_MS : null;
      approvalNote =
        `校内发现密切接触者，经${command}研判，暂停全部教学活动，校园封闭管理并全面消杀` +
        (plannedDay === null ? "。" : `，拟于${monthDay(plannedDay)}评估复课。`);
      break;
  }
  // Approvals are issued the afternoon before a return; other changes on a recent working day.
  const updatedAt =
    reopenedDay !== null
      ? beijingTime(reopenedDay - DAY_MS, 15 * 60 + rng.int(0, 299))
      : beijingTime(EPOCH_DAY - rng.int(1, 6) * DAY_MS, 9 * 60 + rng.int(0, 540));
  return { status, plannedDay, reopenedDay, gradesOnSite, approvalNote, updatedAt };
}

/** Successes in `n` trials of probability `p` (n stays in the hundreds, so trials are drawn one by one). */
function binomial(rng: Rng, n: number, p: number): number {
  let count = 0;
  for (let t = 0; t < n; t++) if (rng.next() < p) count++;
  return count;
}

function push<K>(map: Map<K, number[]>, key: K, value: number): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function isoDate(dayMs: number): string {
  return new Date(dayMs).toISOString().slice(0, 10);
}

function monthDay(dayMs: number): string {
  const date = new Date(dayMs);
  return `${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
}

/** The instant `minutes` after midnight, Beijing time, of a day given at UTC midnight. */
function beijingTime(dayMs: number, minutes: number): Date {
  return new Date(dayMs - BEIJING_OFFSET_MS + minutes * 60_000);
}
