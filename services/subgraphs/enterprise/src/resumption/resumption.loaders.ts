import { createByKeyLoader, createChildPageLoader } from "@citygraph/core";
import type { ApplicationRepository } from "./resumption.repository.ts";
import { applicationCursorKey } from "./resumption.cursor.ts";

/** Per-request WorkResumptionApplication loaders. */
export function createApplicationLoaders(repository: ApplicationRepository) {
  return {
    byId: createByKeyLoader((ids: readonly number[]) => repository.findByIds(ids), (x) => x.id),
    /** Each enterprise's newest application (null when it never applied): one DISTINCT ON statement. */
    latestByEnterprise: createByKeyLoader(
      (creditCodes: readonly string[]) => repository.latestByEnterprises(creditCodes),
      (x) => x.enterpriseCreditCode,
    ),
    byEnterprise: createChildPageLoader({
      fetch: (creditCodes, _args: Record<string, never>, limit, after) => repository.listByEnterprises(creditCodes, limit, after),
      parentOf: (x) => x.enterpriseCreditCode,
      keyOf: applicationCursorKey,
    }),
  };
}
