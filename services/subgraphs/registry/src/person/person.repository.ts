import { districtWhere, scopeParam, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { Gender } from "./person.type.ts";

/** Columns every Person query reads. */
export const PERSON_SELECT = {
  id: true,
  name: true,
  idNumber: true,
  phone: true,
  gender: true,
  birthDate: true,
  address: true,
  districtCode: true,
  communityId: true,
} as const;

/** A person row as the repository returns it. */
export interface PersonRow {
  id: string;
  name: string;
  idNumber: string;
  phone: string;
  gender: Gender;
  /** `YYYY-MM-DD`: a string, so that masking can cut it to the year. */
  birthDate: string;
  address: string;
  districtCode: string;
  communityId: number;
}

type SelectedPerson = Omit<PersonRow, "birthDate" | "gender"> & { birthDate: Date; gender: string };

/** Dates leave the repository as `YYYY-MM-DD` strings (a DATE column has no time or zone). */
function toRow(person: SelectedPerson): PersonRow {
  return { ...person, gender: person.gender as Gender, birthDate: person.birthDate.toISOString().slice(0, 10) };
}

/** Person reads, limited to the request's row scope. Pages are ordered by pseudonymous id. */
export class PersonRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  async findByIds(ids: readonly string[]): Promise<PersonRow[]> {
    const rows = await this.prisma.person.findMany({
      where: { id: { in: [...ids] }, districtCode: districtWhere(this.scope) },
      select: PERSON_SELECT,
    });
    return rows.map(toRow);
  }

  async findByIdNumber(idNumber: string): Promise<PersonRow | null> {
    const row = await this.prisma.person.findFirst({
      where: { idNumber, districtCode: districtWhere(this.scope) },
      select: PERSON_SELECT,
    });
    return row ? toRow(row) : null;
  }

  /** One page of persons, filtered by district and/or community: `limit + 1` rows. */
  async list(filter: { districtCode?: string; communityId?: number }, limit: number, after?: CursorKey): Promise<PersonRow[]> {
    const rows = await this.prisma.person.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        communityId: filter.communityId,
        id: after ? { gt: String(after[0]) } : undefined,
      },
      select: PERSON_SELECT,
      orderBy: { id: "asc" },
      take: limit + 1,
    });
    return rows.map(toRow);
  }

  /** Up to `limit + 1` residents of each community, in one statement. */
  listByCommunities(communityIds: readonly number[], limit: number, after?: CursorKey): Promise<PersonRow[]> {
    return this.prisma.$queryRaw<PersonRow[]>`
      SELECT id, name, id_number AS "idNumber", phone, gender::text AS gender, to_char(birth_date, 'YYYY-MM-DD') AS "birthDate", address,
             district_code AS "districtCode", community_id AS "communityId"
      FROM (
        SELECT p.*, row_number() OVER (PARTITION BY community_id ORDER BY id) AS n
        FROM registry.person p
        WHERE community_id = ANY(${[...communityIds]}) AND id > ${after ? String(after[0]) : ""}
          AND (${scopeParam(this.scope)}::text[] IS NULL OR district_code = ANY(${scopeParam(this.scope)}::text[]))
      ) ranked WHERE n <= ${limit + 1} ORDER BY community_id, id`;
  }
}
