import { buildFederatedSchema } from "@citygraph/core";
import { PersonResolver } from "./person/person.resolver.ts";
import { DistrictResolver } from "./district/district.resolver.ts";
import { CommunityResolver } from "./community/community.resolver.ts";
import { resolvePersonReference } from "./person/person.reference.ts";
import { resolveDistrictReference } from "./district/district.reference.ts";
import { resolveCommunityReference } from "./community/community.reference.ts";
import type { RegistryContext } from "./context.ts";

/** The registry's subgraph schema. Needs no database: `citygraph compose` prints it. */
export function buildRegistrySchema() {
  return buildFederatedSchema<RegistryContext>({
    resolvers: [PersonResolver, DistrictResolver, CommunityResolver],
    references: {
      Person: resolvePersonReference,
      District: resolveDistrictReference,
      Community: resolveCommunityReference,
    },
  });
}
