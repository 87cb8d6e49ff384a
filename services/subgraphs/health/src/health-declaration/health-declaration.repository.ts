import type { CursorKey, RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import { inRowScope, singleDistrict } from "../row-scope.ts";
import { isoDate } from "../cursor.ts";

/**
 * Columns every HealthDeclaration query reads, as a SQL projection: declaration lists are raw SQL
 * because keyset pages need a row comparison (a day holds a fourteenth of all rows, so a cursor
 * in mid-day must be an index condition, not a filter), which Prisma's query API cannot express.
 */
export const HEALTH_DECLARATION_COLUMNS = Prisma.sql`id, person_id AS "personId", declared_on AS "declaredOn",
  temperature::float8 AS temperature, has_symptoms AS "hasSymptoms", travel_history AS "travelHistory",
  district_code AS "districtCode"`;

/** A declaration as the repository returns it. */
export interface HealthDeclarationRow {
  id: number;
  personId: string;
  declaredOn: Date;
  temperature: number;
  hasSymptoms: boolean;
  travelHistory: boolean;
  districtCode: string;
}

/** Filters of declaration lists: a closed-open window of days. */
export interface DeclarationWindow {
  /** `YYYY-MM-DD`, inclusive. */
  from?: string;
  /** `YYYY-MM-DD`, exclusive. */
  to?: string;
}

/** The sort key of a declaration: pages run newest day first. */
export function declarationKey(declaration: HealthDeclarationRow): CursorKey {
  return [isoDate(declaration.declaredOn), declaration.id];
}

/**
 * Health-declaration reads, newest first (`declared_on DESC, id DESC`). Declarations are
 * district-bound (the declarant's registered district): every read is limited to the row scope.
 */
export class HealthDeclarationRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** One page of declarations, optionally of residents of one district: `limit + 1` rows. */
  list(
    filter: DeclarationWindow & { districtCode?: string },
    limit: number,
    after?: CursorKey,
  ): Promise<HealthDeclarationRow[]> {
    const district = singleDistrict(this.scope, filter.districtCode);
    return this.prisma.$queryRaw<HealthDeclarationRow[]>`
      SELECT ${HEALTH_DECLARATION_COLUMNS} FROM health.health_declaration
      WHERE TRUE
        ${district ? Prisma.sql`AND district_code = ${district}` : Prisma.empty}
        ${inRowScope(this.scope)}
        ${windowAndCursor(filter, after)}
      ORDER BY declared_on DESC, id DESC LIMIT ${limit + 1}`;
  }

  /**
   * Up to `limit + 1` declarations of each person, newest first, in one statement. The persons'
   * rows are read through the person index first (a MATERIALIZED fence), then limited to the scope
   * before they are ranked: left to itself, PostgreSQL ANDs a bitmap of the whole district (a
   * sixth of the table for a large one) with the persons' few rows.
   */
  listByPersons(
    personIds: readonly string[],
    filter: DeclarationWindow,
    limit: number,
    after?: CursorKey,
  ): Promise<HealthDeclarationRow[]> {
    return this.prisma.$queryRaw<HealthDeclarationRow[]>`
      WITH of_persons AS MATERIALIZED (
        SELECT * FROM health.health_declaration
        WHERE person_id = ANY(${[...personIds]}) ${windowAndCursor(filter, after)}
      )
      SELECT ${HEALTH_DECLARATION_COLUMNS} FROM (
        SELECT d.*, row_number() OVER (PARTITION BY person_id ORDER BY declared_on DESC, id DESC) AS n
        FROM of_persons d
        WHERE TRUE ${inRowScope(this.scope, Prisma.raw("d.district_code"))}
      ) ranked WHERE n <= ${limit + 1} ORDER BY person_id, declared_on DESC, id DESC`;
  }
}

/** `AND ...` conditions of a window of days and a cursor. */
function windowAndCursor(filter: DeclarationWindow, after?: CursorKey) {
  return Prisma.sql`
    ${filter.from ? Prisma.sql`AND declared_on >= ${filter.from}::date` : Prisma.empty}
    ${filter.to ? Prisma.sql`AND declared_on < ${filter.to}::date` : Prisma.empty}
    ${after ? Prisma.sql`AND (declared_on, id) < (${after[0]}::date, ${Number(after[1])}::int)` : Prisma.empty}`;
}
