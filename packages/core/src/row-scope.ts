/**
 * Row scope: a principal may be limited to some districts; then every list, lookup and entity
 * reference of district-bound data returns only rows of those districts. The filter is applied in
 * SQL by the repositories, never after the fact.
 */

/** District codes a request may see rows of; undefined means every district. */
export type RowScope = readonly string[] | undefined;

/**
 * A Prisma filter for a `districtCode` column: the requested district (a user's `district`
 * argument) intersected with the scope. Undefined means no filter; an empty `in` means no rows.
 */
export function districtWhere(scope: RowScope, requested?: string | null): string | { in: string[] } | undefined {
  if (requested) return scope && !scope.includes(requested) ? { in: [] } : requested;
  return scope ? { in: [...scope] } : undefined;
}

/**
 * The scope as a raw-SQL parameter, for `(${p}::text[] IS NULL OR district_code = ANY(${p}::text[]))`:
 * null when unrestricted.
 */
export function scopeParam(scope: RowScope): string[] | null {
  return scope ? [...scope] : null;
}
