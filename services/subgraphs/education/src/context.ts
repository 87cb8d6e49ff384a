import { rowScopeOf, type RequestContext, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { SchoolRepository } from "./school/school.repository.ts";
import { EnrolmentRepository } from "./enrolment/enrolment.repository.ts";
import { SchoolReopeningRepository } from "./school-reopening/school-reopening.repository.ts";
import { SchoolHealthCheckRepository } from "./school-health-check/school-health-check.repository.ts";
import { createSchoolLoaders } from "./school/school.loaders.ts";
import { createEnrolmentLoaders } from "./enrolment/enrolment.loaders.ts";
import { createSchoolReopeningLoaders } from "./school-reopening/school-reopening.loaders.ts";
import { createSchoolHealthCheckLoaders } from "./school-health-check/school-health-check.loaders.ts";

/** The education subgraph's per-request context: the only way resolvers reach data. */
export interface EducationContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
}

/**
 * Every table of this subgraph is district-bound (schools, enrolments, reopenings, health checks
 * all carry `district_code`), so every repository is built on the request's row scope and filters
 * by it in SQL.
 */
function createRepositories(prisma: PrismaClient, scope: RowScope) {
  return {
    school: new SchoolRepository(prisma, scope),
    enrolment: new EnrolmentRepository(prisma, scope),
    schoolReopening: new SchoolReopeningRepository(prisma, scope),
    schoolHealthCheck: new SchoolHealthCheckRepository(prisma, scope),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    school: createSchoolLoaders(repositories.school),
    enrolment: createEnrolmentLoaders(repositories.enrolment),
    schoolReopening: createSchoolReopeningLoaders(repositories.schoolReopening),
    schoolHealthCheck: createSchoolHealthCheckLoaders(repositories.schoolHealthCheck),
  };
}

/**
 * Builds the context of one request. Repositories carry the principal's row scope and loaders are
 * new for every request, so neither rows nor cached results leak between callers.
 */
export function createEducationContext(prisma: PrismaClient, base: RequestContext): EducationContext {
  const scope = rowScopeOf(base.principal);
  const repositories = createRepositories(prisma, scope);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
