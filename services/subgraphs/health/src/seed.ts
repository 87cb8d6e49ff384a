import { populationSize, type SeedPlan } from "@citygraph/core";
import { HOSPITALS, feverClinicAt } from "./fever-clinic/fever-clinic.seed.ts";
import { feverClinicVisitAt, visitCount } from "./fever-clinic-visit/fever-clinic-visit.seed.ts";
import { declarationCount, healthDeclarationAt } from "./health-declaration/health-declaration.seed.ts";
import { healthCodeAt } from "./health-code/health-code.seed.ts";
import { communityRiskTierAt } from "./community-risk-tier/community-risk-tier.seed.ts";
import { CASE_COUNT_ROWS, caseCountAt } from "./case-count/case-count.seed.ts";
import { textArray } from "./seed-support.ts";

/**
 * The health commission's tables over the shared synthetic population. Every row is a pure
 * function of its index (see the `*.seed.ts` generators), so a seed resumes anywhere.
 */
export const healthSeed: SeedPlan = {
  schema: "health",
  tables(scale) {
    const size = populationSize(scale);
    return [
      {
        table: "health.fever_clinic",
        columns: ["id", "name", "hospital", "grade", "district_code"],
        count: HOSPITALS.length,
        row: (i) => {
          const c = feverClinicAt(i);
          return [c.id, c.name, c.hospital, c.grade, c.districtCode];
        },
      },
      {
        table: "health.fever_clinic_visit",
        columns: [
          "id",
          "person_id",
          "clinic_id",
          "visited_at",
          "temperature",
          "symptoms",
          "diagnosis",
          "district_code",
        ],
        count: visitCount(size),
        row: (i) => {
          const v = feverClinicVisitAt(i, size);
          return [
            v.id,
            v.personId,
            v.clinic.id,
            v.visitedAt,
            v.temperature,
            textArray(v.symptoms),
            v.diagnosis,
            v.clinic.districtCode,
          ];
        },
      },
      {
        table: "health.health_declaration",
        columns: [
          "id",
          "person_id",
          "declared_on",
          "temperature",
          "has_symptoms",
          "travel_history",
          "district_code",
        ],
        count: declarationCount(size),
        row: (i) => {
          const d = healthDeclarationAt(i, size);
          return [
            d.id,
            d.personId,
            d.declaredOn,
            d.temperature,
            d.hasSymptoms,
            d.travelHistory,
            d.districtCode,
          ];
        },
      },
      {
        table: "health.health_code",
        columns: ["person_id", "color", "reason", "assigned_at", "district_code"],
        count: size.persons,
        row: (i) => {
          const c = healthCodeAt(i, size);
          return [c.personId, c.color, c.reason, c.assignedAt, c.districtCode];
        },
      },
      {
        table: "health.community_risk_tier",
        columns: ["community_id", "level", "since", "reason", "district_code"],
        count: size.communities,
        row: (j) => {
          const t = communityRiskTierAt(j);
          return [t.communityId, t.level, t.since, t.reason, t.districtCode];
        },
      },
      {
        table: "health.case_count",
        columns: ["date", "district_code", "confirmed", "asymptomatic", "recovered"],
        count: CASE_COUNT_ROWS,
        row: (i) => {
          const c = caseCountAt(i);
          return [c.date, c.districtCode, c.confirmed, c.asymptomatic, c.recovered];
        },
      },
    ];
  },
};
