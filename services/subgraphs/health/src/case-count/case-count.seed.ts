import { DISTRICTS } from "@citygraph/core";
import { infectionsOn, recoveriesOn } from "../outbreak.ts";
import { HISTORY_DAYS, isoDay } from "../seed-support.ts";

/** A day's count in one district as the seed writes it. */
export interface SeedCaseCount {
  /** `YYYY-MM-DD`, Beijing time. */
  date: string;
  districtCode: string;
  confirmed: number;
  asymptomatic: number;
  recovered: number;
}

/** One row per district and day of the history: city statistics, the same at every scale. */
export const CASE_COUNT_ROWS = HISTORY_DAYS * DISTRICTS.length;

/** Row `i`: day `i / 16`, district `i % 16`. */
export function caseCountAt(i: number): SeedCaseCount {
  const day = Math.floor(i / DISTRICTS.length);
  const code = DISTRICTS[i % DISTRICTS.length]!.code;
  const { confirmed, asymptomatic } = infectionsOn(code, day);
  return {
    date: isoDay(day),
    districtCode: code,
    confirmed,
    asymptomatic,
    recovered: recoveriesOn(code, day),
  };
}
