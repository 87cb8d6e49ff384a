import { createChildPageLoader } from "@citygraph/core";
import {
  visitKey,
  type FeverClinicVisitRepository,
  type VisitWindow,
} from "./fever-clinic-visit.repository.ts";

/** Per-request FeverClinicVisit loaders. */
export function createFeverClinicVisitLoaders(repository: FeverClinicVisitRepository) {
  return {
    byPerson: createChildPageLoader({
      fetch: (personIds, window: VisitWindow, limit, after) =>
        repository.listByPersons(personIds, window, limit, after),
      parentOf: (v) => v.personId,
      keyOf: visitKey,
    }),
  };
}
