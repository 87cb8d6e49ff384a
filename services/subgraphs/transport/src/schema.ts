import { buildFederatedSchema } from "@citygraph/core";
import { CheckpointResolver } from "./checkpoint/checkpoint.resolver.ts";
import { CheckpointCrossingResolver } from "./checkpoint-crossing/checkpoint-crossing.resolver.ts";
import { TravellerRegistrationResolver } from "./traveller-registration/traveller-registration.resolver.ts";
import { PersonResolver } from "./person/person.resolver.ts";
import { resolveCheckpointReference } from "./checkpoint/checkpoint.reference.ts";
import { resolvePersonReference } from "./person/person.reference.ts";
import type { TransportContext } from "./context.ts";

/** The transport subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildTransportSchema() {
  return buildFederatedSchema<TransportContext>({
    resolvers: [
      CheckpointResolver,
      CheckpointCrossingResolver,
      TravellerRegistrationResolver,
      PersonResolver,
    ],
    references: {
      Checkpoint: resolveCheckpointReference,
      Person: resolvePersonReference,
    },
  });
}
