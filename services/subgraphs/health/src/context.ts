import { rowScopeOf, type RequestContext, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { FeverClinicRepository } from "./fever-clinic/fever-clinic.repository.ts";
import { FeverClinicVisitRepository } from "./fever-clinic-visit/fever-clinic-visit.repository.ts";
import { HealthDeclarationRepository } from "./health-declaration/health-declaration.repository.ts";
import { HealthCodeRepository } from "./health-code/health-code.repository.ts";
import { CommunityRiskTierRepository } from "./community-risk-tier/community-risk-tier.repository.ts";
import { CaseCountRepository } from "./case-count/case-count.repository.ts";
import { createFeverClinicLoaders } from "./fever-clinic/fever-clinic.loaders.ts";
import { createFeverClinicVisitLoaders } from "./fever-clinic-visit/fever-clinic-visit.loaders.ts";
import { createHealthDeclarationLoaders } from "./health-declaration/health-declaration.loaders.ts";
import { createHealthCodeLoaders } from "./health-code/health-code.loaders.ts";
import { createCommunityRiskTierLoaders } from "./community-risk-tier/community-risk-tier.loaders.ts";

/** The health subgraph's per-request context: the only way resolvers reach data. */
export interface HealthContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
}

/** Every table of this subgraph is district-bound: each repository reads within the request's row scope. */
function createRepositories(prisma: PrismaClient, scope: RowScope) {
  return {
    feverClinic: new FeverClinicRepository(prisma, scope),
    feverClinicVisit: new FeverClinicVisitRepository(prisma, scope),
    healthDeclaration: new HealthDeclarationRepository(prisma, scope),
    healthCode: new HealthCodeRepository(prisma, scope),
    communityRiskTier: new CommunityRiskTierRepository(prisma, scope),
    caseCount: new CaseCountRepository(prisma, scope),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    feverClinic: createFeverClinicLoaders(repositories.feverClinic),
    feverClinicVisit: createFeverClinicVisitLoaders(repositories.feverClinicVisit),
    healthDeclaration: createHealthDeclarationLoaders(repositories.healthDeclaration),
    healthCode: createHealthCodeLoaders(repositories.healthCode),
    communityRiskTier: createCommunityRiskTierLoaders(repositories.communityRiskTier),
  };
}

/**
 * Builds the context of one request; repositories carry the principal's row scope and loaders are
 * new for every request on top of them, so nothing leaks between callers or scopes.
 */
export function createHealthContext(prisma: PrismaClient, base: RequestContext): HealthContext {
  const scope = rowScopeOf(base.principal);
  const repositories = createRepositories(prisma, scope);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
