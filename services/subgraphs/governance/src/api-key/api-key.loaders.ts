import DataLoader from "dataloader";
import type { ApiKeyRepository, ApiKeyRow } from "./api-key.repository.ts";

/** Per-request ApiKey loaders: the keys of many agreements cost one query. */
export function createApiKeyLoaders(repository: ApiKeyRepository) {
  return {
    byAgreement: new DataLoader<string, ApiKeyRow[]>(async (agreementIds) => {
      const byAgreement = new Map<string, ApiKeyRow[]>();
      for (const row of await repository.ofAgreements(agreementIds)) {
        const siblings = byAgreement.get(row.agreementId);
        if (siblings) siblings.push(row);
        else byAgreement.set(row.agreementId, [row]);
      }
      return agreementIds.map((id) => byAgreement.get(id) ?? []);
    }),
  };
}
