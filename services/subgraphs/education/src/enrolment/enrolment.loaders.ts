import { createByKeyLoader, createChildPageLoader } from "@citygraph/core";
import type { EnrolmentRepository, RosterFilter } from "./enrolment.repository.ts";

/** Per-request Enrolment loaders. */
export function createEnrolmentLoaders(repository: EnrolmentRepository) {
  return {
    /** A person's enrolment, or null for anyone not at school: 500 persons cost one statement. */
    byPerson: createByKeyLoader(
      (ids: readonly string[]) => repository.findByPersonIds(ids),
      (e) => e.personId,
    ),
    bySchool: createChildPageLoader({
      fetch: (schoolIds, filter: RosterFilter, limit, after) =>
        repository.listBySchools(schoolIds.map(Number), filter, limit, after),
      parentOf: (e) => String(e.schoolId),
      keyOf: (e, filter) => (filter.order === "roster" ? [e.grade, e.classNumber, e.id] : [e.id]),
    }),
  };
}
