import { createByKeyLoader } from "@citygraph/core";
import type { FeverClinicRepository } from "./fever-clinic.repository.ts";

/** Per-request FeverClinic loaders. */
export function createFeverClinicLoaders(repository: FeverClinicRepository) {
  return {
    byId: createByKeyLoader(
      (ids: readonly number[]) => repository.findByIds(ids),
      (c) => c.id,
    ),
  };
}
