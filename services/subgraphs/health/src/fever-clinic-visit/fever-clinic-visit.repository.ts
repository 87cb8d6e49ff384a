import type { CursorKey, RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import { inRowScope, singleDistrict } from "../row-scope.ts";

/**
 * Columns every FeverClinicVisit query reads, as a SQL projection: visit lists are raw SQL because
 * keyset pages need a row comparison, which Prisma's query API cannot express.
 */
export const FEVER_CLINIC_VISIT_COLUMNS = Prisma.sql`id, person_id AS "personId", clinic_id AS "clinicId",
  visited_at AS "visitedAt", temperature::float8 AS temperature, symptoms, diagnosis, district_code AS "districtCode"`;

/** A visit as the repository returns it. */
export interface FeverClinicVisitRow {
  id: number;
  personId: string;
  clinicId: number;
  visitedAt: Date;
  temperature: number;
  symptoms: string[];
  diagnosis: string;
  districtCode: string;
}

/** Filters of visit lists: a closed-open window of visit times. */
export interface VisitWindow {
  /** ISO instant, inclusive. */
  from?: string;
  /** ISO instant, exclusive. */
  to?: string;
}

/** The sort key of a visit: pages run newest first. */
export function visitKey(visit: FeverClinicVisitRow): CursorKey {
  return [visit.visitedAt.toISOString(), visit.id];
}

/**
 * Fever-clinic visit reads, newest first (`visited_at DESC, id DESC`). Visits are district-bound
 * (the clinic's district): every read is limited to the request's row scope.
 */
export class FeverClinicVisitRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** One page of visits, optionally at clinics of one district: `limit + 1` rows. */
  list(
    filter: VisitWindow & { districtCode?: string },
    limit: number,
    after?: CursorKey,
  ): Promise<FeverClinicVisitRow[]> {
    const district = singleDistrict(this.scope, filter.districtCode);
    return this.prisma.$queryRaw<FeverClinicVisitRow[]>`
      SELECT ${FEVER_CLINIC_VISIT_COLUMNS} FROM health.fever_clinic_visit
      WHERE TRUE
        ${district ? Prisma.sql`AND district_code = ${district}` : Prisma.empty}
        ${inRowScope(this.scope)}
        ${windowAndCursor(filter, after)}
      ORDER BY visited_at DESC, id DESC LIMIT ${limit + 1}`;
  }

  /**
   * Up to `limit + 1` visits of each person, newest first, in one statement. The persons' rows are
   * read through the person index first (a MATERIALIZED fence), then limited to the scope before
   * they are ranked: left to itself, PostgreSQL ANDs a bitmap of the whole district with the
   * persons' few rows.
   */
  listByPersons(
    personIds: readonly string[],
    filter: VisitWindow,
    limit: number,
    after?: CursorKey,
  ): Promise<FeverClinicVisitRow[]> {
    return this.prisma.$queryRaw<FeverClinicVisitRow[]>`
      WITH of_persons AS MATERIALIZED (
        SELECT * FROM health.fever_clinic_visit
        WHERE person_id = ANY(${[...personIds]}) ${windowAndCursor(filter, after)}
      )
      SELECT ${FEVER_CLINIC_VISIT_COLUMNS} FROM (
        SELECT v.*, row_number() OVER (PARTITION BY person_id ORDER BY visited_at DESC, id DESC) AS n
        FROM of_persons v
        WHERE TRUE ${inRowScope(this.scope, Prisma.raw("v.district_code"))}
      ) ranked WHERE n <= ${limit + 1} ORDER BY person_id, visited_at DESC, id DESC`;
  }
}

/** `AND ...` conditions of a window and a cursor; the row comparison is an index condition, so deep pages cost what the first does. */
function windowAndCursor(filter: VisitWindow, after?: CursorKey) {
  return Prisma.sql`
    ${filter.from ? Prisma.sql`AND visited_at >= ${filter.from}::timestamptz` : Prisma.empty}
    ${filter.to ? Prisma.sql`AND visited_at < ${filter.to}::timestamptz` : Prisma.empty}
    ${after ? Prisma.sql`AND (visited_at, id) < (${after[0]}::timestamptz, ${Number(after[1])}::int)` : Prisma.empty}`;
}
