import { buildFederatedSchema } from "@citygraph/core";
import { SchoolResolver } from "./school/school.resolver.ts";
import { EnrolmentResolver } from "./enrolment/enrolment.resolver.ts";
import { PersonResolver } from "./person/person.resolver.ts";
import { SchoolReopeningResolver } from "./school-reopening/school-reopening.resolver.ts";
import { SchoolHealthCheckResolver } from "./school-health-check/school-health-check.resolver.ts";
import { resolveSchoolReference } from "./school/school.reference.ts";
import { resolvePersonReference } from "./person/person.reference.ts";
import type { EducationContext } from "./context.ts";

/** The education subgraph's schema. Needs no database: `citygraph compose` prints it. */
export function buildEducationSchema() {
  return buildFederatedSchema<EducationContext>({
    resolvers: [
      SchoolResolver,
      EnrolmentResolver,
      PersonResolver,
      SchoolReopeningResolver,
      SchoolHealthCheckResolver,
    ],
    references: {
      School: resolveSchoolReference,
      Person: resolvePersonReference,
    },
  });
}
