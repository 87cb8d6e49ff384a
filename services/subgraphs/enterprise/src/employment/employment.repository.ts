import { districtWhere, scopeParam, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every Employment query reads. */
export const EMPLOYMENT_SELECT = {
  personId: true,
  enterpriseCreditCode: true,
  position: true,
  since: true,
  districtCode: true,
} as const;

/** An employment row as the repository returns it. */
export interface EmploymentRow {
  personId: string;
  enterpriseCreditCode: string;
  position: string;
  since: Date;
  districtCode: string;
}

/**
 * Employment reads. A person holds at most one; an enterprise's staff are paged by person id.
 * Every read is limited to the request's row scope (the employer's district) in SQL.
 */
export class EmploymentRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findByPersonIds(personIds: readonly string[]): Promise<EmploymentRow[]> {
    return this.prisma.employment.findMany({
      where: { personId: { in: [...personIds] }, districtCode: districtWhere(this.scope) },
      select: EMPLOYMENT_SELECT,
    });
  }

  /**
   * Up to `limit + 1` employees of each enterprise, in one statement. LATERAL with LIMIT stops
   * after `limit + 1` index entries per enterprise, where a window function would rank a large
   * employer's whole staff.
   *
   * The scope is tested on the rows the LATERAL returns, not inside it: inside, the planner
   * multiplies the district's selectivity into the per-enterprise estimate (it cannot know that
   * every row of an enterprise has the enterprise's district), expects ~2 rows, and switches to a
   * bitmap scan that reads and sorts the whole staff. An employment row's district is its
   * employer's, so an enterprise's page is either wholly in scope or wholly out.
   */
  listByEnterprises(creditCodes: readonly string[], limit: number, after?: CursorKey): Promise<EmploymentRow[]> {
    const scope = scopeParam(this.scope);
    return this.prisma.$queryRaw<EmploymentRow[]>`
      SELECT e.person_id AS "personId", e.enterprise_credit_code AS "enterpriseCreditCode", e.position, e.since,
             e.district_code AS "districtCode"
      FROM unnest(${[...creditCodes]}::varchar[]) AS parent(credit_code)
      CROSS JOIN LATERAL (
        SELECT * FROM enterprise.employment
        WHERE enterprise_credit_code = parent.credit_code AND person_id > ${after ? String(after[0]) : ""}
        ORDER BY person_id
        LIMIT ${limit + 1}
      ) e
      WHERE (${scope}::text[] IS NULL OR e.district_code = ANY(${scope}::text[]))
      ORDER BY e.enterprise_credit_code, e.person_id`;
  }
}
