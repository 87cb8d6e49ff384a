import { Rng, SEED_EPOCH, personAt, type PopulationSize } from "@citygraph/core";
import { communityRiskTierAt, type SeedRiskTier } from "../community-risk-tier/community-risk-tier.seed.ts";
import { COVID_DIAGNOSIS, visitsOfPerson } from "../fever-clinic-visit/fever-clinic-visit.seed.ts";

/** A health code as the seed writes it. */
export interface SeedHealthCode {
  personId: string;
  districtCode: string;
  color: "GREEN" | "YELLOW" | "RED";
  reason: string | null;
  assignedAt: Date;
}

const DAY_MS = 86_400_000;

/** Red-code reasons other than a sealed zone or a positive test, weighted. */
const RED_REASONS: ReadonlyArray<readonly [string, number]> = [
  ["密切接触者（密接）", 70],
  ["无症状感染者", 18],
  ["入境人员集中隔离期内", 12],
];
/** Yellow-code reasons other than a fever-clinic visit or a controlled zone, weighted. */
const YELLOW_REASONS: ReadonlyArray<readonly [string, number]> = [
  ["密接的密接（次密接）", 22],
  ["中高风险地区旅居史", 34],
  ["时空伴随者", 14],
  ["核酸检测超期未检", 22],
  ["入境人员居家健康监测期内", 8],
];

/** Random red and yellow shares on top of the tier- and visit-driven codes, tuned to about 2% and 6% overall. */
const EXTRA_RED = 0.016;
const EXTRA_YELLOW = 0.037;

/**
 * The health code of person `i`. Codes agree with the other health tables: residents of a sealed
 * zone are red and of a controlled zone yellow; a positive test at a fever clinic in the last
 * fortnight is red, any other fever-clinic visit in the last week yellow; the rest is drawn.
 */
export function healthCodeAt(i: number, size: PopulationSize): SeedHealthCode {
  const person = personAt(i, size);
  const rng = Rng.for("health.code", i);
  const base = { personId: person.id, districtCode: person.districtCode };
  const ago = (minDays: number, maxDays: number) =>
    new Date(SEED_EPOCH.getTime() - rng.int(minDays * 24 * 60, maxDays * 24 * 60) * 60_000);

  const tier = tierOf(person.communityId);
  if (tier.level === "HIGH") {
    return { ...base, color: "RED", reason: "封控区人员", assignedAt: beijingMorning(tier.since) };
  }
  const lastVisit = visitsOfPerson(i, size).at(-1);
  if (lastVisit) {
    const age = SEED_EPOCH.getTime() - lastVisit.visitedAt.getTime();
    if (lastVisit.diagnosis === COVID_DIAGNOSIS && age < 14 * DAY_MS) {
      return {
        ...base,
        color: "RED",
        reason: "确诊病例",
        assignedAt: new Date(lastVisit.visitedAt.getTime() + 6 * 3_600_000),
      };
    }
    if (age < 7 * DAY_MS)
      return { ...base, color: "YELLOW", reason: "发热门诊就诊", assignedAt: lastVisit.visitedAt };
  }
  if (tier.level === "MEDIUM") {
    return { ...base, color: "YELLOW", reason: "管控区人员", assignedAt: beijingMorning(tier.since) };
  }
  const u = rng.next();
  if (u < EXTRA_RED)
    return {
      ...base,
      color: "RED",
      reason: rng.weighted(RED_REASONS, ([, w]) => w)[0],
      assignedAt: ago(0, 10),
    };
  if (u < EXTRA_RED + EXTRA_YELLOW) {
    return {
      ...base,
      color: "YELLOW",
      reason: rng.weighted(YELLOW_REASONS, ([, w]) => w)[0],
      assignedAt: ago(0, 7),
    };
  }
  // Green since the last re-evaluation that changed it: mostly long ago, recently for those released.
  return { ...base, color: "GREEN", reason: null, assignedAt: rng.chance(0.85) ? ago(60, 900) : ago(1, 60) };
}

// Persons outnumber communities a hundredfold: compute each community's tier once.
const tiers = new Map<number, SeedRiskTier>();
function tierOf(communityId: number): SeedRiskTier {
  let tier = tiers.get(communityId);
  if (!tier) tiers.set(communityId, (tier = communityRiskTierAt(communityId - 1)));
  return tier;
}

/** Tier changes take effect at 08:00 Beijing time on their day. */
function beijingMorning(isoDate: string): Date {
  return new Date(`${isoDate}T08:00:00+08:00`);
}
