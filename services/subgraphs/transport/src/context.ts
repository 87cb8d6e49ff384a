import { rowScopeOf, type RequestContext, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { CheckpointRepository } from "./checkpoint/checkpoint.repository.ts";
import { CheckpointCrossingRepository } from "./checkpoint-crossing/checkpoint-crossing.repository.ts";
import { TravellerRegistrationRepository } from "./traveller-registration/traveller-registration.repository.ts";
import { createCheckpointLoaders } from "./checkpoint/checkpoint.loaders.ts";
import { createCheckpointCrossingLoaders } from "./checkpoint-crossing/checkpoint-crossing.loaders.ts";
import { createTravellerRegistrationLoaders } from "./traveller-registration/traveller-registration.loaders.ts";

/** The transport subgraph's per-request context: the only way resolvers reach data. */
export interface TransportContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
}

/**
 * Every table here is district-bound (checkpoints and crossings by the checkpoint's district,
 * registrations by the destination district): every repository filters by the row scope.
 */
function createRepositories(prisma: PrismaClient, scope: RowScope) {
  return {
    checkpoint: new CheckpointRepository(prisma, scope),
    crossing: new CheckpointCrossingRepository(prisma, scope),
    registration: new TravellerRegistrationRepository(prisma, scope),
  };
}

function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    checkpoint: createCheckpointLoaders(repositories.checkpoint),
    crossing: createCheckpointCrossingLoaders(repositories.crossing),
    registration: createTravellerRegistrationLoaders(repositories.registration),
  };
}

/** Builds the context of one request; loaders are new for every request, so nothing leaks between callers. */
export function createTransportContext(prisma: PrismaClient, base: RequestContext): TransportContext {
  const scope = rowScopeOf(base.principal);
  const repositories = createRepositories(prisma, scope);
  return { ...base, repositories, loaders: createLoaders(repositories) };
}
