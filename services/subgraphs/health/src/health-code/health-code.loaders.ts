import { createByKeyLoader } from "@citygraph/core";
import type { HealthCodeRepository } from "./health-code.repository.ts";

/** Per-request HealthCode loaders. */
export function createHealthCodeLoaders(repository: HealthCodeRepository) {
  return {
    byPerson: createByKeyLoader(
      (personIds: readonly string[]) => repository.findByPersonIds(personIds),
      (c) => c.personId,
    ),
  };
}
