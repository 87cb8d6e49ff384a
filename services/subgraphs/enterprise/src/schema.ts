import { buildFederatedSchema } from "@citygraph/core";
import { EnterpriseResolver } from "./enterprise/enterprise.resolver.ts";
import { EmploymentResolver } from "./employment/employment.resolver.ts";
import { WorkResumptionApplicationResolver } from "./resumption/resumption.resolver.ts";
import { PersonResolver } from "./person/person.resolver.ts";
import { resolveEnterpriseReference } from "./enterprise/enterprise.reference.ts";
import { resolveApplicationReference } from "./resumption/resumption.reference.ts";
import { resolvePersonReference } from "./person/person.reference.ts";
import type { EnterpriseContext } from "./context.ts";

/** The enterprise subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildEnterpriseSchema() {
  return buildFederatedSchema<EnterpriseContext>({
    resolvers: [EnterpriseResolver, EmploymentResolver, WorkResumptionApplicationResolver, PersonResolver],
    references: {
      Enterprise: resolveEnterpriseReference,
      WorkResumptionApplication: resolveApplicationReference,
      Person: resolvePersonReference,
    },
  });
}
