import type { RequestContext } from "@citygraph/core";
import type { PrismaClient } from "../../../prisma/generated/enterprise/client.ts";
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

function createRepositories(prisma: PrismaClient) {
  return {
    enterprise: new EnterpriseRepository(prisma),
    employment: new EmploymentRepository(prisma),
    application: new ApplicationRepository(prisma),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    enterprise: createEnterpriseLoaders(repositories.enterprise),
    employment: createEmploymentLoaders(repositories.employment),
    application: createApplicationLoaders(repositories.application),
  };
}

/** Builds the context of one request; loaders are new for every request, so nothing leaks between callers. */
export function createEnterpriseContext(prisma: PrismaClient, base: RequestContext): EnterpriseContext {
  const repositories = createRepositories(prisma);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
