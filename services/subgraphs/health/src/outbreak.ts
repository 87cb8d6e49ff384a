import { DISTRICTS, Rng } from "@citygraph/core";
import { HISTORY_DAYS, poisson } from "./seed-support.ts";

/**
 * The synthetic epidemic every health table agrees on: one Omicron-like wave that starts about
 * five weeks before SEED_EPOCH in the old city (金水, 管城, 二七), peaks four weeks later and is
 * still tailing off at the epoch, plus sporadic imported cases (most through the airport zone).
 * Case counts sample it, fever-clinic traffic and diagnoses follow it, and community risk tiers and
 * health codes follow its recent days, so the dashboards built on top tell one consistent story.
 */

/** Day (0 = oldest of the history) the wave peaks. */
const PEAK_DAY = 36;
/** New infections per day at the peak in a district of intensity 1. */
const PEAK_INFECTIONS = 80;
/** Omicron: most infections are found asymptomatic through mass testing. */
const CONFIRMED_SHARE = 0.22;

/** How hard the wave hits each district, relative to 金水区. Unlisted districts: 0.03. */
const INTENSITY: Readonly<Record<string, number>> = {
  "410105": 1, // 金水区
  "410104": 0.8, // 管城回族区
  "410103": 0.6, // 二七区
  "410190": 0.5, // 郑东新区
  "410102": 0.4, // 中原区
  "410171": 0.3, // 航空港区
  "410173": 0.25, // 经开区
  "410172": 0.2, // 高新区
  "410108": 0.15, // 惠济区
  "410122": 0.1, // 中牟县
  "410184": 0.1, // 新郑市
};

/** Imported cases per district and day outside the wave; the airport zone sees five times more. */
const SPORADIC_PER_DAY = 0.02;
const AIRPORT_ZONE = "410171";

/** The wave's citywide shape on `day`, 0..1: a fast rise and a slow, long tail. */
export function waveShape(day: number): number {
  const spread = day < PEAK_DAY ? 4.5 : 8;
  const z = (day - PEAK_DAY) / spread;
  const shape = Math.exp(-0.5 * z * z);
  return shape < 1e-3 ? 0 : shape;
}

/** The wave's intensity in a district, relative to 金水区. */
export function districtIntensity(code: string): number {
  return INTENSITY[code] ?? 0.03;
}

/** New confirmed cases and asymptomatic infections reported in a district on `day`. */
export interface DailyInfections {
  confirmed: number;
  asymptomatic: number;
}

const DISTRICT_INDEX = new Map(DISTRICTS.map((d, i) => [d.code, i]));

/** The district's new infections on `day`; defined for any day (before the history it is sporadic only). */
export function infectionsOn(code: string, day: number): DailyInfections {
  const rng = Rng.for("health.outbreak", (DISTRICT_INDEX.get(code) ?? 0) * 100_000 + day + 50_000);
  const sporadic = SPORADIC_PER_DAY * (code === AIRPORT_ZONE ? 5 : 1);
  const expected = PEAK_INFECTIONS * districtIntensity(code) * waveShape(day) + sporadic;
  const next = () => rng.next();
  return {
    confirmed: poisson(expected * CONFIRMED_SHARE, next),
    asymptomatic: poisson(expected * (1 - CONFIRMED_SHARE), next),
  };
}

/** Discharges on `day`: confirmed cases leave hospital after about 14 days, asymptomatic infections are released after 10. */
export function recoveriesOn(code: string, day: number): number {
  return infectionsOn(code, day - 14).confirmed + infectionsOn(code, day - 10).asymptomatic;
}

const recentCache = new Map<string, number>();

/** New infections in a district over the last `days` days of the history. */
export function recentInfections(code: string, days: number): number {
  const key = `${code}:${days}`;
  let total = recentCache.get(key);
  if (total === undefined) {
    total = 0;
    for (let day = HISTORY_DAYS - days; day < HISTORY_DAYS; day++) {
      const { confirmed, asymptomatic } = infectionsOn(code, day);
      total += confirmed + asymptomatic;
    }
    recentCache.set(key, total);
  }
  return total;
}
