import { districtWhere, scopeParam, type CursorKey, type RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import type { ResumptionStatus } from "./resumption.type.ts";

/** Columns every WorkResumptionApplication query reads. */
export const APPLICATION_SELECT = {
  id: true,
  enterpriseCreditCode: true,
  districtCode: true,
  submittedAt: true,
  status: true,
  plannedResumptionDate: true,
  approvedAt: true,
  headcountRequested: true,
  headcountApproved: true,
  preventionMeasures: true,
  reviewerNote: true,
} as const;

/** The same columns for raw statements, from a table aliased `a`. */
const APPLICATION_COLUMNS = Prisma.raw(`
  a.id, a.enterprise_credit_code AS "enterpriseCreditCode", a.district_code AS "districtCode",
  a.submitted_at AS "submittedAt", a.status::text AS status, a.planned_resumption_date AS "plannedResumptionDate",
  a.approved_at AS "approvedAt", a.headcount_requested AS "headcountRequested",
  a.headcount_approved AS "headcountApproved", a.prevention_measures AS "preventionMeasures",
  a.reviewer_note AS "reviewerNote"`);

/** An application row as the repository returns it. */
export interface ApplicationRow {
  id: number;
  enterpriseCreditCode: string;
  districtCode: string;
  submittedAt: Date;
  status: ResumptionStatus;
  plannedResumptionDate: Date;
  approvedAt: Date | null;
  headcountRequested: number;
  headcountApproved: number | null;
  preventionMeasures: string;
  reviewerNote: string | null;
}

/** Filters of the application list; `from` inclusive, `to` exclusive, on `submittedAt`. */
export interface ApplicationFilter {
  districtCode?: string;
  status?: ResumptionStatus;
  from?: Date;
  to?: Date;
}

/** A validated `[submittedAt ISO string, id]` cursor (see `decodeApplicationCursor`). */
function cursorParts(after: CursorKey): { submittedAt: Date; id: number } {
  return { submittedAt: new Date(String(after[0])), id: Number(after[1]) };
}

/**
 * Work-resumption application reads. Lists are newest first: `submitted_at DESC, id DESC`. Every
 * read is limited to the request's row scope (the reviewing district) in SQL.
 */
export class ApplicationRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** `AND` the scope onto raw statements reading `resumption_application a`. */
  private scopeFilter(): Prisma.Sql {
    const scope = scopeParam(this.scope);
    return Prisma.sql`AND (${scope}::text[] IS NULL OR a.district_code = ANY(${scope}::text[]))`;
  }

  findByIds(ids: readonly number[]): Promise<ApplicationRow[]> {
    return this.prisma.workResumptionApplication.findMany({
      where: { id: { in: [...ids] }, districtCode: districtWhere(this.scope) },
      select: APPLICATION_SELECT,
    }) as Promise<ApplicationRow[]>;
  }

  /** One page of applications, newest first: `limit + 1` rows. */
  list(filter: ApplicationFilter, limit: number, after?: CursorKey): Promise<ApplicationRow[]> {
    const cursor = after ? cursorParts(after) : undefined;
    return this.prisma.workResumptionApplication.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        status: filter.status,
        // `lte` bounds the index scan; the OR only settles ties on the cursor's instant.
        submittedAt: { gte: filter.from, lt: filter.to, lte: cursor?.submittedAt },
        OR: cursor
          ? [{ submittedAt: { lt: cursor.submittedAt } }, { submittedAt: cursor.submittedAt, id: { lt: cursor.id } }]
          : undefined,
      },
      select: APPLICATION_SELECT,
      orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    }) as Promise<ApplicationRow[]>;
  }

  /** The newest application of each enterprise that has one, in one statement. */
  latestByEnterprises(creditCodes: readonly string[]): Promise<ApplicationRow[]> {
    // Descending on every key so that the (enterprise, submitted_at, id) index is read backwards, without a sort.
    return this.prisma.$queryRaw<ApplicationRow[]>`
      SELECT DISTINCT ON (a.enterprise_credit_code) ${APPLICATION_COLUMNS}
      FROM enterprise.resumption_application a
      WHERE a.enterprise_credit_code = ANY(${[...creditCodes]}::varchar[]) ${this.scopeFilter()}
      ORDER BY a.enterprise_credit_code DESC, a.submitted_at DESC, a.id DESC`;
  }

  /** Up to `limit + 1` applications of each enterprise, newest first, in one statement. */
  listByEnterprises(creditCodes: readonly string[], limit: number, after?: CursorKey): Promise<ApplicationRow[]> {
    const cursor = after ? cursorParts(after) : undefined;
    const afterCursor = cursor
      ? Prisma.sql`AND (a.submitted_at, a.id) < (${cursor.submittedAt}::timestamptz, ${cursor.id}::int)`
      : Prisma.empty;
    return this.prisma.$queryRaw<ApplicationRow[]>`
      SELECT page.* FROM unnest(${[...creditCodes]}::varchar[]) AS parent(credit_code)
      CROSS JOIN LATERAL (
        SELECT ${APPLICATION_COLUMNS}
        FROM enterprise.resumption_application a
        WHERE a.enterprise_credit_code = parent.credit_code ${afterCursor} ${this.scopeFilter()}
        ORDER BY a.submitted_at DESC, a.id DESC
        LIMIT ${limit + 1}
      ) page
      ORDER BY page."enterpriseCreditCode", page."submittedAt" DESC, page.id DESC`;
  }
}
