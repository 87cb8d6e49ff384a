import { Rng, WeightedTable, personAt, personIdAt, type PopulationSize } from "@citygraph/core";
import { clinicFor, type SeedFeverClinic } from "../fever-clinic/fever-clinic.seed.ts";
import { waveShape } from "../outbreak.ts";
import { HISTORY_DAYS, clamp, dayStart, oneDecimal, permutationOf } from "../seed-support.ts";

/** A fever-clinic visit as the seed writes it. */
export interface SeedVisit {
  id: number;
  personIndex: number;
  personId: string;
  clinic: SeedFeverClinic;
  visitedAt: Date;
  temperature: number;
  symptoms: string[];
  diagnosis: string;
}

/** Diagnoses fever clinics record, with their usual symptoms and mean triage temperature. */
interface Diagnosis {
  name: string;
  /** Relative frequency outside the wave. */
  weight: number;
  /** Extra weight at the wave's peak: only the pandemic diagnosis follows it. */
  waveWeight: number;
  core: readonly string[];
  optional: readonly string[];
  meanTemperature: number;
}

export const COVID_DIAGNOSIS = "新型冠状病毒感染（核酸检测阳性）";

const DIAGNOSES: readonly Diagnosis[] = [
  {
    name: "急性上呼吸道感染",
    weight: 34,
    waveWeight: 0,
    core: ["发热"],
    optional: ["咳嗽", "咽痛", "鼻塞", "流涕", "乏力"],
    meanTemperature: 37.9,
  },
  {
    name: "流行性感冒",
    weight: 18,
    waveWeight: 0,
    core: ["发热", "肌肉酸痛"],
    optional: ["头痛", "乏力", "咳嗽", "畏寒"],
    meanTemperature: 38.3,
  },
  {
    name: "急性咽炎",
    weight: 11,
    waveWeight: 0,
    core: ["咽痛"],
    optional: ["发热", "咳嗽"],
    meanTemperature: 37.7,
  },
  {
    name: "急性支气管炎",
    weight: 9,
    waveWeight: 0,
    core: ["咳嗽", "咳痰"],
    optional: ["发热", "胸闷"],
    meanTemperature: 37.8,
  },
  {
    name: "急性扁桃体炎",
    weight: 6,
    waveWeight: 0,
    core: ["咽痛", "发热"],
    optional: ["头痛", "乏力"],
    meanTemperature: 38.2,
  },
  {
    name: "社区获得性肺炎",
    weight: 5,
    waveWeight: 0,
    core: ["发热", "咳嗽"],
    optional: ["咳痰", "胸闷", "呼吸困难"],
    meanTemperature: 38.4,
  },
  {
    name: "急性胃肠炎",
    weight: 4,
    waveWeight: 0,
    core: ["腹泻"],
    optional: ["发热", "恶心", "腹痛"],
    meanTemperature: 37.6,
  },
  {
    name: "发热待查",
    weight: 8,
    waveWeight: 0,
    core: ["发热"],
    optional: ["乏力", "头痛"],
    meanTemperature: 38.0,
  },
  {
    name: COVID_DIAGNOSIS,
    weight: 1,
    waveWeight: 25,
    core: ["发热"],
    optional: ["咽痛", "咳嗽", "乏力", "肌肉酸痛", "味觉嗅觉减退"],
    meanTemperature: 38.0,
  },
];

/** Visits per person: the brief's 5%. */
const VISIT_RATE = 0.05;
/** Share of visits that are a patient's return visit (复诊) after the first. */
const FOLLOW_UP_RATE = 0.2;

/** Traffic per day follows the wave: up to four times the usual at the peak. */
const DAYS = new WeightedTable(
  Array.from({ length: HISTORY_DAYS }, (_, day) => day),
  (day) => 1 + 3 * waveShape(day),
);
/** Fever clinics are open around the clock; patients come mostly mornings and evenings. */
const HOURS = new WeightedTable(
  Array.from({ length: 24 }, (_, hour) => hour),
  (hour) => [1, 1, 0.6, 0.4, 0.4, 0.5, 1, 2, 4, 5, 5, 4, 3, 3, 4, 4, 4, 3, 3, 4, 4, 3, 2, 1.5][hour]!,
);

const HOUR_MS = 3_600_000;

/** Number of visits the seed writes. */
export function visitCount(size: PopulationSize): number {
  return Math.round(VISIT_RATE * size.persons);
}

/**
 * Whether visit row `i` is a return visit of row `i - 1`'s patient. Only odd rows can be, so a
 * return visit is never itself followed up, and only when the first visit left a day to return in.
 */
export function isFollowUp(i: number): boolean {
  return (
    i % 2 === 1 &&
    Rng.for("health.visit.follow-up", i).chance(FOLLOW_UP_RATE) &&
    firstVisitTime(i - 1) < dayStart(HISTORY_DAYS - 1).getTime()
  );
}

function firstVisitTime(i: number): number {
  const rng = Rng.for("health.visit.time", i);
  const day = DAYS.at(rng.next());
  return dayStart(day).getTime() + (HOURS.at(rng.next()) + rng.next()) * HOUR_MS;
}

/** Visit row `i` (id `i + 1`). */
export function feverClinicVisitAt(i: number, size: PopulationSize): SeedVisit {
  if (isFollowUp(i)) return followUpOf(feverClinicVisitAt(i - 1, size), i);
  const personIndex = permutationOf("health.visit.person", size.persons).at(i);
  const rng = Rng.for("health.visit", i);
  const person = personAt(personIndex, size);
  const clinic = clinicFor(person.districtCode, rng.next(), rng.next());
  const visitedAt = new Date(firstVisitTime(i));
  const day = Math.floor((visitedAt.getTime() - dayStart(0).getTime()) / (24 * HOUR_MS));
  const wave = waveShape(day);
  const diagnosis = rng.weighted(DIAGNOSES, (d) => d.weight + d.waveWeight * wave);
  // Some patients arrive without fever (a sore throat, a cough) and are still seen here.
  const afebrile = rng.chance(diagnosis.core.includes("发热") ? 0.04 : 0.3);
  const temperature = afebrile
    ? oneDecimal(rng.int(366, 372) / 10)
    : oneDecimal(clamp(rng.normal(diagnosis.meanTemperature, 0.3), 37.3, 40.5));
  return {
    id: i + 1,
    personIndex,
    personId: personIdAt(personIndex),
    clinic,
    visitedAt,
    temperature,
    symptoms: symptomsFor(diagnosis, afebrile, rng),
    diagnosis: diagnosis.name,
  };
}

function followUpOf(first: SeedVisit, i: number): SeedVisit {
  const rng = Rng.for("health.visit", i);
  // Patients return one to three days later, never after the epoch.
  const latest = dayStart(HISTORY_DAYS).getTime() - HOUR_MS;
  const visitedAt = new Date(
    Math.min(latest, first.visitedAt.getTime() + rng.int(20, 72) * HOUR_MS + rng.int(0, 59) * 60_000),
  );
  const temperature = oneDecimal(clamp(rng.normal(37.3, 0.35), 36.5, 38.5));
  const symptoms = first.symptoms.filter((s) => s !== "发热" && rng.chance(0.6));
  if (temperature >= 37.3) symptoms.unshift("发热");
  // A first visit's open diagnosis is settled on return.
  const diagnosis =
    first.diagnosis === "发热待查" ? (rng.chance(0.7) ? "急性上呼吸道感染" : "流行性感冒") : first.diagnosis;
  return {
    ...first,
    id: i + 1,
    visitedAt,
    temperature,
    symptoms: symptoms.length ? symptoms : ["咳嗽"],
    diagnosis,
  };
}

function symptomsFor(diagnosis: Diagnosis, afebrile: boolean, rng: Rng): string[] {
  const symptoms = diagnosis.core.filter((s) => !(afebrile && s === "发热"));
  if (!afebrile && !symptoms.includes("发热")) symptoms.unshift("发热");
  for (const s of diagnosis.optional) {
    if (s === "发热" || symptoms.includes(s)) continue;
    if (rng.chance(0.35)) symptoms.push(s);
  }
  if (!symptoms.length) symptoms.push(diagnosis.optional.find((s) => s !== "发热") ?? "咳嗽");
  return symptoms;
}

/** The visits of person `personIndex`, oldest first (none, one, or a first visit and its return). */
export function visitsOfPerson(personIndex: number, size: PopulationSize): SeedVisit[] {
  const count = visitCount(size);
  const i = permutationOf("health.visit.person", size.persons).indexOf(personIndex);
  if (i >= count || isFollowUp(i)) return [];
  const first = feverClinicVisitAt(i, size);
  return i + 1 < count && isFollowUp(i + 1) ? [first, feverClinicVisitAt(i + 1, size)] : [first];
}
