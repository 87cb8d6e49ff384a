import { createChildPageLoader } from "@citygraph/core";
import {
  declarationKey,
  type DeclarationWindow,
  type HealthDeclarationRepository,
} from "./health-declaration.repository.ts";

/** Per-request HealthDeclaration loaders. */
export function createHealthDeclarationLoaders(repository: HealthDeclarationRepository) {
  return {
    byPerson: createChildPageLoader({
      fetch: (personIds, window: DeclarationWindow, limit, after) =>
        repository.listByPersons(personIds, window, limit, after),
      parentOf: (d) => d.personId,
      keyOf: declarationKey,
    }),
  };
}
