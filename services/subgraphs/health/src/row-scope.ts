import { scopeParam, type RowScope } from "@citygraph/core";
import { Prisma } from "../prisma/generated/client.ts";

/**
 * The row-scope condition of a raw-SQL read: `AND (scope IS NULL OR <column> = ANY(scope))`.
 * Statements go out unnamed, so PostgreSQL plans each with its parameters bound and folds the
 * `IS NULL` away: an unscoped request plans as if the condition were absent, a scoped one as
 * `district_code = ANY(...)`.
 */
export function inRowScope(scope: RowScope, column: Prisma.Sql = Prisma.raw("district_code")): Prisma.Sql {
  const districts = scopeParam(scope);
  return Prisma.sql`AND (${districts}::text[] IS NULL OR ${column} = ANY(${districts}::text[]))`;
}

/**
 * The one district a newest-first list reads, if there is one: the requested district, or else
 * the scope's only district. An equality on it (besides {@link inRowScope}) lets PostgreSQL walk
 * the `(district_code, time, id)` index in order; `= ANY('{x}')` alone does not, and a small
 * district's page would then filter its way down the whole `(time, id)` index.
 */
export function singleDistrict(scope: RowScope, requested?: string): string | undefined {
  return requested ?? (scope?.length === 1 ? scope[0] : undefined);
}
