import { createByKeyLoader } from "@citygraph/core";
import type { SchoolRepository } from "./school.repository.ts";

/** Per-request School loaders. */
export function createSchoolLoaders(repository: SchoolRepository) {
  return {
    byId: createByKeyLoader(
      (ids: readonly number[]) => repository.findByIds(ids),
      (s) => s.id,
    ),
  };
}
