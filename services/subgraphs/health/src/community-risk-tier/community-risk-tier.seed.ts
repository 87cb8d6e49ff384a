import { DISTRICTS, Rng, communityAt } from "@citygraph/core";
import { recentInfections } from "../outbreak.ts";
import { HISTORY_DAYS, isoDay } from "../seed-support.ts";

/** A community's tier as the seed writes it. */
export interface SeedRiskTier {
  communityId: number;
  districtCode: string;
  level: "LOW" | "MEDIUM" | "HIGH";
  /** `YYYY-MM-DD`, Beijing time. */
  since: string;
  reason: string;
}

/** Communities per thousand residents in the real city (about 10 800 for 14 million). */
const COMMUNITIES_PER_THOUSAND = 10_800 / 14_000;
const POPULATION_K = new Map(DISTRICTS.map((d) => [d.code, d.populationK]));

const HIGH_REASONS = [
  "社区内发现确诊病例，划为封控区",
  "社区内发现无症状感染者，划为封控区",
  "社区内多名密切接触者居住，划为封控区",
];
const MEDIUM_REASONS = [
  "与封控区相邻，划为管控区",
  "有确诊病例活动轨迹，划为管控区",
  "有次密切接触者居住，划为管控区",
];
const LIFTED_REASON = "连续7天无新增阳性感染者，解除管控，调整为防范区";
const ROUTINE_REASON = "常态化防控";

/**
 * The tier of community `j` (id `j + 1`). A sealed zone (封控区) is where an infection was found in
 * the last week; about three cases share a community. Controlled zones (管控区) surround them and
 * follow infections of the last fortnight; communities the wave touched earlier were lifted back
 * to precaution (防范区), everyone else has been routine since before the wave.
 */
export function communityRiskTierAt(j: number): SeedRiskTier {
  const community = communityAt(j);
  const code = community.district.code;
  const rng = Rng.for("health.risk-tier", j);
  const communities = (POPULATION_K.get(code) ?? 500) * COMMUNITIES_PER_THOUSAND;
  const high = Math.min(0.15, recentInfections(code, 7) / 3 / communities);
  const medium = Math.min(0.3, 3 * high + recentInfections(code, 14) / 6 / communities);
  const lifted = Math.min(0.5, recentInfections(code, 35) / 3 / communities);
  const u = rng.next();
  const base = { communityId: community.id, districtCode: code };
  if (u < high) {
    return {
      ...base,
      level: "HIGH",
      since: isoDay(HISTORY_DAYS - rng.int(1, 7)),
      reason: rng.pick(HIGH_REASONS),
    };
  }
  if (u < high + medium) {
    return {
      ...base,
      level: "MEDIUM",
      since: isoDay(HISTORY_DAYS - rng.int(1, 12)),
      reason: rng.pick(MEDIUM_REASONS),
    };
  }
  if (u < high + medium + lifted) {
    return { ...base, level: "LOW", since: isoDay(HISTORY_DAYS - rng.int(8, 28)), reason: LIFTED_REASON };
  }
  // Routine since the city's tiering was last reset, some time in the spring or summer.
  return { ...base, level: "LOW", since: isoDay(-rng.int(60, 240)), reason: ROUTINE_REASON };
}
