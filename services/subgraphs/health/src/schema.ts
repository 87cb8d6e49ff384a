import { buildFederatedSchema } from "@citygraph/core";
import { FeverClinicResolver } from "./fever-clinic/fever-clinic.resolver.ts";
import { FeverClinicVisitResolver } from "./fever-clinic-visit/fever-clinic-visit.resolver.ts";
import { HealthDeclarationResolver } from "./health-declaration/health-declaration.resolver.ts";
import { HealthCodeResolver } from "./health-code/health-code.resolver.ts";
import { CommunityRiskTierResolver } from "./community-risk-tier/community-risk-tier.resolver.ts";
import { CaseCountResolver } from "./case-count/case-count.resolver.ts";
import { PersonResolver } from "./person/person.resolver.ts";
import { CommunityResolver } from "./community/community.resolver.ts";
import { resolveFeverClinicReference } from "./fever-clinic/fever-clinic.reference.ts";
import { resolvePersonReference } from "./person/person.reference.ts";
import { resolveCommunityReference } from "./community/community.reference.ts";
import type { HealthContext } from "./context.ts";

/** The health subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildHealthSchema() {
  return buildFederatedSchema<HealthContext>({
    resolvers: [
      FeverClinicResolver,
      FeverClinicVisitResolver,
      HealthDeclarationResolver,
      HealthCodeResolver,
      CommunityRiskTierResolver,
      CaseCountResolver,
      PersonResolver,
      CommunityResolver,
    ],
    references: {
      FeverClinic: resolveFeverClinicReference,
      Person: resolvePersonReference,
      Community: resolveCommunityReference,
    },
  });
}
