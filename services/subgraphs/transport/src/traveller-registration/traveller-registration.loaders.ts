import { createChildPageLoader } from "@citygraph/core";
import type { TimeCursor } from "../arguments.ts";
import type {
  RegistrationRow,
  TravellerRegistrationRepository,
} from "./traveller-registration.repository.ts";

/** The sort key of a registration: what `after` decodes back to. */
export const registrationKey = (row: RegistrationRow) => [row.arrivalDate.toISOString(), row.id] as const;

/** Per-request TravellerRegistration loaders. */
export function createTravellerRegistrationLoaders(repository: TravellerRegistrationRepository) {
  return {
    byPerson: createChildPageLoader({
      fetch: (ids, _args: Record<string, never>, limit, after) =>
        repository.listByPersons(ids, limit, after as TimeCursor),
      parentOf: (row) => row.personId,
      keyOf: registrationKey,
    }),
  };
}
