import { createByKeyLoader } from "@citygraph/core";
import type { SchoolReopeningRepository } from "./school-reopening.repository.ts";

/** Per-request SchoolReopening loaders. */
export function createSchoolReopeningLoaders(repository: SchoolReopeningRepository) {
  return {
    bySchool: createByKeyLoader(
      (ids: readonly number[]) => repository.findBySchoolIds(ids),
      (r) => r.schoolId,
    ),
  };
}
