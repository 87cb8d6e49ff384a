import { rowScopeOf, type RequestContext, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { EnterpriseRepository } from "./enterprise/enterprise.repository.ts";
import { EmploymentRepository } from "./employment/employment.repository.ts";
import { ApplicationRepository } from "./resumption/resumption.repository.ts";
import { createEnterpriseLoaders } from "./enterprise/enterprise.loaders.ts";
import { createEmploymentLoaders } from "./employment/employment.loaders.ts";
import { createApplicationLoaders } from "./resumption/resumption.loaders.ts";

/** The enterprise subgraph's per-request context: the only way resolvers reach data. */
export interface EnterpriseContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
}

/** Every table here is district-bound: each repository filters by the request's row scope in SQL. */
function createRepositories(prisma: PrismaClient, scope: RowScope) {
  return {
    enterprise: new EnterpriseRepository(prisma, scope),
    employment: new EmploymentRepository(prisma, scope),
    application: new ApplicationRepository(prisma, scope),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    enterprise: createEnterpriseLoaders(repositories.enterprise),
    employment: createEmploymentLoaders(repositories.employment),
    application: createApplicationLoaders(repositories.application),
  };
}

/**
 * Builds the context of one request; repositories carry the caller's row scope and loaders are new
 * for every request, so neither rows nor cached results leak between callers.
 */
export function createEnterpriseContext(prisma: PrismaClient, base: RequestContext): EnterpriseContext {
  const scope = rowScopeOf(base.principal);
  const repositories = createRepositories(prisma, scope);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
