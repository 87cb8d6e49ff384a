import DataLoader from "dataloader";
import { createByKeyLoader } from "@citygraph/core";
import type { AgreementOperationRow, AgreementRepository } from "./agreement.repository.ts";

/** Per-request Agreement loaders. */
export function createAgreementLoaders(repository: AgreementRepository) {
  return {
    byId: createByKeyLoader((ids: readonly string[]) => repository.findByIds(ids), (a) => a.id),
    /** The operations of many agreements in one query. */
    operations: new DataLoader<string, AgreementOperationRow[]>(async (agreementIds) => {
      const byAgreement = new Map<string, AgreementOperationRow[]>();
      for (const row of await repository.operationsOf(agreementIds)) {
        const siblings = byAgreement.get(row.agreementId);
        if (siblings) siblings.push(row);
        else byAgreement.set(row.agreementId, [row]);
      }
      return agreementIds.map((id) => byAgreement.get(id) ?? []);
    }),
  };
}
