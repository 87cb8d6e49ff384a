import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../../../prisma/generated/enterprise/client.ts";

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

/** Employment reads. A person holds at most one; an enterprise's staff are paged by person id. */
export class EmploymentRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByPersonIds(personIds: readonly string[]): Promise<EmploymentRow[]> {
    return this.prisma.employment.findMany({ where: { personId: { in: [...personIds] } }, select: EMPLOYMENT_SELECT });
  }

  /**
   * Up to `limit + 1` employees of each enterprise, in one statement. LATERAL with LIMIT stops
   * after `limit + 1` index entries per enterprise, where a window function would rank a large
   * employer's whole staff.
   */
  listByEnterprises(creditCodes: readonly string[], limit: number, after?: CursorKey): Promise<EmploymentRow[]> {
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
      ORDER BY e.enterprise_credit_code, e.person_id`;
  }
}
