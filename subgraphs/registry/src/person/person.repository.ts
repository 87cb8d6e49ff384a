import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../../../prisma/generated/registry/client.ts";
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
  birthDate: Date;
  address: string;
  districtCode: string;
  communityId: number;
}

/** Person reads. Pages are ordered by pseudonymous id. */
export class PersonRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByIds(ids: readonly string[]): Promise<PersonRow[]> {
    return this.prisma.person.findMany({ where: { id: { in: [...ids] } }, select: PERSON_SELECT }) as Promise<PersonRow[]>;
  }

  findByIdNumber(idNumber: string): Promise<PersonRow | null> {
    return this.prisma.person.findUnique({ where: { idNumber }, select: PERSON_SELECT }) as Promise<PersonRow | null>;
  }

  /** One page of persons, filtered by district and/or community: `limit + 1` rows. */
  list(filter: { districtCode?: string; communityId?: number }, limit: number, after?: CursorKey): Promise<PersonRow[]> {
    return this.prisma.person.findMany({
      where: {
        districtCode: filter.districtCode,
        communityId: filter.communityId,
        id: after ? { gt: String(after[0]) } : undefined,
      },
      select: PERSON_SELECT,
      orderBy: { id: "asc" },
      take: limit + 1,
    }) as Promise<PersonRow[]>;
  }

  /** Up to `limit + 1` residents of each community, in one statement. */
  listByCommunities(communityIds: readonly number[], limit: number, after?: CursorKey): Promise<PersonRow[]> {
    return this.prisma.$queryRaw<PersonRow[]>`
      SELECT id, name, id_number AS "idNumber", phone, gender::text AS gender, birth_date AS "birthDate", address,
             district_code AS "districtCode", community_id AS "communityId"
      FROM (
        SELECT p.*, row_number() OVER (PARTITION BY community_id ORDER BY id) AS n
        FROM registry.person p
        WHERE community_id = ANY(${[...communityIds]}) AND id > ${after ? String(after[0]) : ""}
      ) ranked WHERE n <= ${limit + 1} ORDER BY community_id, id`;
  }
}
