import { createByKeyLoader, createChildPageLoader } from "@citygraph/core";
import type { EmploymentRepository } from "./employment.repository.ts";

/** Per-request Employment loaders. */
export function createEmploymentLoaders(repository: EmploymentRepository) {
  return {
    /** A person's employment, or null: 500 persons cost one statement. */
    byPerson: createByKeyLoader((personIds: readonly string[]) => repository.findByPersonIds(personIds), (x) => x.personId),
    byEnterprise: createChildPageLoader({
      fetch: (creditCodes, _args: Record<string, never>, limit, after) => repository.listByEnterprises(creditCodes, limit, after),
      parentOf: (x) => x.enterpriseCreditCode,
      keyOf: (x) => [x.personId],
    }),
  };
}
