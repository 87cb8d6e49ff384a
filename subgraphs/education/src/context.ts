import type { RequestContext } from "@citygraph/core";
import type { PrismaClient } from "../../../prisma/generated/education/client.ts";
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

function createRepositories(prisma: PrismaClient) {
  return {
    school: new SchoolRepository(prisma),
    enrolment: new EnrolmentRepository(prisma),
    schoolReopening: new SchoolReopeningRepository(prisma),
    schoolHealthCheck: new SchoolHealthCheckRepository(prisma),
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

/** Builds the context of one request; loaders are new for every request, so nothing leaks between callers. */
export function createEducationContext(prisma: PrismaClient, base: RequestContext): EducationContext {
  const repositories = createRepositories(prisma);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
