import type pg from "pg";
import type { RequestContext, SubgraphOptions } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { DataAssetRepository } from "./data-asset/data-asset.repository.ts";
import { OrganizationRepository } from "./organization/organization.repository.ts";
import { AgreementRepository } from "./agreement/agreement.repository.ts";
import { ApiKeyRepository } from "./api-key/api-key.repository.ts";
import { createOrganizationLoaders } from "./organization/organization.loaders.ts";
import { createAgreementLoaders } from "./agreement/agreement.loaders.ts";
import { createApiKeyLoaders } from "./api-key/api-key.loaders.ts";
import { LedgerRepository } from "./ledger/ledger.repository.ts";
import { createLedgerLoaders } from "./ledger/ledger.loaders.ts";
import { operationSurfaceOf, type OperationSurface } from "./agreement/agreement.surface.ts";
import { VerificationRepository } from "./ledger-verification/verification.repository.ts";
import { createVerificationRunner, type VerificationRunner } from "./ledger-verification/verification.runner.ts";

/** The governance subgraph's per-request context. */
export interface GovernanceContext extends RequestContext {
  repositories: ReturnType<typeof createRepositories>;
  loaders: ReturnType<typeof createLoaders>;
  /** What registered operations are checked against (the supergraph this subgraph describes). */
  operationSurface: OperationSurface;
  /** The ledger's on-request verification: shared by every request of this subgraph app. */
  verification: { repository: VerificationRepository; runner: VerificationRunner };
}

/** One verification runner per subgraph app (its pool), so that one walk at a time is one per process. */
const runners = new WeakMap<pg.Pool, GovernanceContext["verification"]>();

function verificationOf(prisma: PrismaClient, pool: pg.Pool, options: SubgraphOptions): GovernanceContext["verification"] {
  let found = runners.get(pool);
  if (!found) {
    const repository = new VerificationRepository(prisma);
    found = { repository, runner: createVerificationRunner({ pool, repository, audit: options.ledgerAudit, log: options.log.child({ subgraph: "governance" }) }) };
    runners.set(pool, found);
  }
  return found;
}

function createRepositories(prisma: PrismaClient) {
  return {
    dataAsset: new DataAssetRepository(prisma),
    organization: new OrganizationRepository(prisma),
    agreement: new AgreementRepository(prisma),
    apiKey: new ApiKeyRepository(prisma),
    ledger: new LedgerRepository(prisma),
  };
}

/** Per-request DataLoaders: new for every request, so nothing leaks between callers. */
function createLoaders(repositories: ReturnType<typeof createRepositories>) {
  return {
    organization: createOrganizationLoaders(repositories.organization),
    agreement: createAgreementLoaders(repositories.agreement),
    apiKey: createApiKeyLoaders(repositories.apiKey),
    ledger: createLedgerLoaders(repositories.ledger),
  };
}

/** Builds the context of one request. */
export function createGovernanceContext(prisma: PrismaClient, base: RequestContext, options: SubgraphOptions, pool: pg.Pool): GovernanceContext {
  const repositories = createRepositories(prisma);
  return {
    ...base,
    repositories,
    loaders: createLoaders(repositories),
    operationSurface: operationSurfaceOf(options.supergraphPath),
    verification: verificationOf(prisma, pool, options),
  };
}
