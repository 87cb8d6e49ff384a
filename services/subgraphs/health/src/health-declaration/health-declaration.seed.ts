import { Rng, personAt, personIdAt, type PopulationSize, type SeedPerson } from "@citygraph/core";
import { HISTORY_DAYS, clamp, isoDay, oneDecimal, permutationOf } from "../seed-support.ts";

/** Days of declarations the seed writes, ending the day before SEED_EPOCH. */
export const DECLARATION_DAYS = 14;
/** Declarations per person over those days: the brief's 2 × persons. */
const DECLARATIONS_PER_PERSON = 2;

/** A health declaration as the seed writes it. */
export interface SeedDeclaration {
  id: number;
  personId: string;
  districtCode: string;
  /** `YYYY-MM-DD`, Beijing time. */
  declaredOn: string;
  temperature: number;
  hasSymptoms: boolean;
  travelHistory: boolean;
}

/** Number of declarations the seed writes. */
export function declarationCount(size: PopulationSize): number {
  return DECLARATIONS_PER_PERSON * size.persons;
}

// Rows of one declarant are consecutive: remembering the last one spares 13 of 14 person lookups.
let lastDeclarant: { size: PopulationSize; index: number; person: SeedPerson } | undefined;

/**
 * Declaration row `i` (id `i + 1`). Daily declaration (每日健康申报) is required of a cohort (pupils,
 * teachers, staff of reopened workplaces), not of everyone: one person in seven declares every day
 * of the fortnight, rows `14m .. 14m + 13` being cohort member `m`'s, oldest day first.
 */
export function healthDeclarationAt(i: number, size: PopulationSize): SeedDeclaration {
  const member = Math.floor(i / DECLARATION_DAYS);
  const slot = i % DECLARATION_DAYS;
  const personIndex = permutationOf("health.declaration.person", size.persons).at(member);
  if (lastDeclarant?.size !== size || lastDeclarant.index !== personIndex) {
    lastDeclarant = { size, index: personIndex, person: personAt(personIndex, size) };
  }
  const person = lastDeclarant.person;
  const habits = Rng.for("health.declaration.member", member);
  // Everyone's normal temperature differs a little; one in sixteen travelled and came back mid-fortnight.
  const baseline = habits.normal(36.5, 0.15);
  const returnedOn = habits.chance(0.06) ? habits.int(0, DECLARATION_DAYS - 1) : DECLARATION_DAYS;
  const rng = Rng.for("health.declaration", i);
  const feverish = rng.chance(0.015);
  const temperature = feverish
    ? oneDecimal(clamp(rng.normal(37.8, 0.3), 37.3, 39.5))
    : oneDecimal(clamp(baseline + rng.normal(0, 0.12), 35.9, 37.2));
  return {
    id: i + 1,
    personId: personIdAt(personIndex),
    districtCode: person.districtCode,
    declaredOn: isoDay(HISTORY_DAYS - DECLARATION_DAYS + slot),
    temperature,
    hasSymptoms: feverish || rng.chance(0.02),
    travelHistory: slot >= returnedOn,
  };
}
