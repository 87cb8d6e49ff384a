import { rowScopeOf, type RequestContext, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { PersonRepository } from "./person/person.repository.ts";
import { DistrictRepository } from "./district/district.repository.ts";
import { CommunityRepository } from "./community/community.repository.ts";
import { createPersonLoaders } from "./person/person.loaders.ts";
import { createDistrictLoaders } from "./district/district.loaders.ts";
import { createCommunityLoaders } from "./community/community.loaders.ts";

/** The registry's per-request context: the only way resolvers reach data. */
export interface RegistryContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
}

/** Persons and communities are district-bound: their repositories filter by the row scope. */
function createRepositories(prisma: PrismaClient, scope: RowScope) {
  return {
    person: new PersonRepository(prisma, scope),
    // Districts are the public reference list the scope itself is made of: not scoped.
    district: new DistrictRepository(prisma),
    community: new CommunityRepository(prisma, scope),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    person: createPersonLoaders(repositories.person),
    district: createDistrictLoaders(repositories.district),
    community: createCommunityLoaders(repositories.community),
  };
}

/** Builds the context of one request; loaders are new for every request, so nothing leaks between callers. */
export function createRegistryContext(prisma: PrismaClient, base: RequestContext): RegistryContext {
  const repositories = createRepositories(prisma, rowScopeOf(base.principal));
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
