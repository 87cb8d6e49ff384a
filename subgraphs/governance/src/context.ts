import type { RequestContext } from "@citygraph/core";
import type { PrismaClient } from "../../../prisma/generated/governance/client.ts";
import { DataAssetRepository } from "./data-asset/data-asset.repository.ts";

/** The governance subgraph's per-request context. */
export interface GovernanceContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
}

function createRepositories(prisma: PrismaClient) {
  return { dataAsset: new DataAssetRepository(prisma) };
}

/** Builds the context of one request. */
export function createGovernanceContext(prisma: PrismaClient, base: RequestContext): GovernanceContext {
  return { ...base, repositories: createRepositories(prisma) };
}
