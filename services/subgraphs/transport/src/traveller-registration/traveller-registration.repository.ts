import { districtWhere, scopeParam, type RowScope } from "@citygraph/core";
import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import type { TimeCursor } from "../arguments.ts";
import type { TravelPurpose } from "./traveller-registration.type.ts";

/** Columns every TravellerRegistration query reads. */
export const REGISTRATION_SELECT = {
  id: true,
  personId: true,
  originCity: true,
  arrivalDate: true,
  purpose: true,
  quarantineRequired: true,
  districtCode: true,
} as const;

/** A registration row as the repository returns it. */
export interface RegistrationRow {
  id: number;
  personId: string;
  originCity: string;
  arrivalDate: Date;
  purpose: TravelPurpose;
  quarantineRequired: boolean;
  districtCode: string;
}

/** Filters of the root registrations list: destination district and an arrival-date window (closed-open). */
export interface RegistrationFilter {
  districtCode?: string;
  from?: Date;
  to?: Date;
}

/**
 * Registration reads, latest arrival first: `ORDER BY arrival_date DESC, id DESC`, cursor
 * `[date, id]`. Limited to the request's row scope by the destination district, the district that
 * follows the traveller up.
 */
export class TravellerRegistrationRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** One page of registrations matching `filter`: `limit + 1` rows. */
  list(filter: RegistrationFilter, limit: number, after?: TimeCursor): Promise<RegistrationRow[]> {
    const cursorDate = after ? new Date(after[0]) : undefined;
    return this.prisma.travellerRegistration.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        // `lte` duplicates the OR's bound so that PostgreSQL can start the index scan at the cursor.
        arrivalDate: { gte: filter.from, lt: filter.to, lte: cursorDate },
        OR: after
          ? [{ arrivalDate: { lt: cursorDate } }, { arrivalDate: cursorDate, id: { lt: after[1] } }]
          : undefined,
      },
      select: REGISTRATION_SELECT,
      orderBy: [{ arrivalDate: "desc" }, { id: "desc" }],
      take: limit + 1,
    }) as Promise<RegistrationRow[]>;
  }

  /** Up to `limit + 1` registrations of each person, in one statement (LATERAL: each page stops early). */
  listByPersons(personIds: readonly string[], limit: number, after?: TimeCursor): Promise<RegistrationRow[]> {
    const cursor = after
      ? Prisma.sql`AND (r.arrival_date, r.id) < (${after[0]}::date, ${after[1]}::int)`
      : Prisma.empty;
    const scope = scopeParam(this.scope);
    return this.prisma.$queryRaw<RegistrationRow[]>`
      SELECT r.id, r.person_id AS "personId", r.origin_city AS "originCity", r.arrival_date AS "arrivalDate",
             r.purpose::text AS purpose, r.quarantine_required AS "quarantineRequired", r.district_code AS "districtCode"
      FROM unnest(${[...personIds]}::varchar[]) WITH ORDINALITY AS p(key, ord)
      CROSS JOIN LATERAL (
        SELECT * FROM transport.traveller_registration r
        WHERE r.person_id = p.key ${cursor}
          AND (${scope}::text[] IS NULL OR r.district_code = ANY(${scope}::text[]))
        ORDER BY r.arrival_date DESC, r.id DESC
        LIMIT ${limit + 1}
      ) r
      ORDER BY p.ord, r.arrival_date DESC, r.id DESC`;
  }
}
