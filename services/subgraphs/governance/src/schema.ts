import { buildFederatedSchema } from "@citygraph/core";
import { DataAssetResolver } from "./data-asset/data-asset.resolver.ts";
import { OrganizationResolver } from "./organization/organization.resolver.ts";
import { AgreementResolver } from "./agreement/agreement.resolver.ts";
import { ApiKeyResolver } from "./api-key/api-key.resolver.ts";
import { LedgerResolver } from "./ledger/ledger.resolver.ts";
import { LedgerVerificationResolver } from "./ledger-verification/verification.resolver.ts";
import type { GovernanceContext } from "./context.ts";

/** The governance subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildGovernanceSchema() {
  return buildFederatedSchema<GovernanceContext>({
    resolvers: [DataAssetResolver, OrganizationResolver, AgreementResolver, ApiKeyResolver, LedgerResolver, LedgerVerificationResolver],
  });
}
