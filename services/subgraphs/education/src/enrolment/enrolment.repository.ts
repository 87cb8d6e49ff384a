import { districtWhere, scopeParam, type CursorKey, type RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every Enrolment query reads. */
export const ENROLMENT_SELECT = {
  id: true,
  personId: true,
  schoolId: true,
  districtCode: true,
  grade: true,
  classNumber: true,
  enrolledSince: true,
} as const;

/** An enrolment row as the repository returns it. */
export interface EnrolmentRow {
  id: number;
  personId: string;
  schoolId: number;
  districtCode: string;
  grade: number;
  classNumber: number;
  enrolledSince: Date;
}

/**
 * Filters and order of a school's roster: `roster` is (grade, class number, id), for callers who
 * may read grades and classes; `id` for everyone else, so the order does not tell them.
 */
export interface RosterFilter {
  grade?: number;
  order: "roster" | "id";
}

/** The cursor parts of each roster order. */
export const ROSTER_CURSOR_ARITY = { roster: 3, id: 1 } as const;

/**
 * Enrolment reads, limited to the request's row scope in SQL (by the school's district, which every
 * enrolment row carries). A roster is ordered by (grade, class number, id).
 */
export class EnrolmentRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** Enrolments of these persons; a pupil enrolled out of scope is absent, like a non-pupil. */
  findByPersonIds(personIds: readonly string[]): Promise<EnrolmentRow[]> {
    return this.prisma.enrolment.findMany({
      where: { personId: { in: [...personIds] }, districtCode: districtWhere(this.scope) },
      select: ENROLMENT_SELECT,
    });
  }

  /**
   * Up to `limit + 1` pupils of each school after `after` (a `[grade, classNumber, id]` key in
   * roster order, `[id]` in id order), in one statement. A LATERAL join walks each school's slice of
   * the roster index and stops at the limit, where a window function would number every pupil of
   * every school first.
   */
  listBySchools(
    schoolIds: readonly number[],
    filter: RosterFilter,
    limit: number,
    after?: CursorKey,
  ): Promise<EnrolmentRow[]> {
    const scope = scopeParam(this.scope);
    const grade = filter.grade === undefined ? Prisma.empty : Prisma.sql`AND e.grade = ${filter.grade}`;
    const roster = filter.order === "roster";
    const position = !after
      ? Prisma.empty
      : roster
        ? Prisma.sql`AND (e.grade, e.class_number, e.id) > (${Number(after[0])}::int, ${Number(after[1])}::int, ${Number(after[2])}::int)`
        : Prisma.sql`AND e.id > ${Number(after[0])}::int`;
    const order = roster ? Prisma.sql`e.grade, e.class_number, e.id` : Prisma.sql`e.id`;
    return this.prisma.$queryRaw<EnrolmentRow[]>`
      SELECT e.id, e.person_id AS "personId", e.school_id AS "schoolId", e.district_code AS "districtCode",
             e.grade::int AS grade, e.class_number::int AS "classNumber", e.enrolled_since AS "enrolledSince"
      FROM unnest(${[...schoolIds]}::int[]) AS s(id)
      CROSS JOIN LATERAL (
        SELECT * FROM education.enrolment e
        WHERE e.school_id = s.id ${grade} ${position}
          AND (${scope}::text[] IS NULL OR e.district_code = ANY(${scope}::text[]))
        ORDER BY ${order}
        LIMIT ${limit + 1}
      ) e
      ORDER BY e.school_id, ${order}`;
  }
}
