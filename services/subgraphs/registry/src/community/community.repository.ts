import { districtWhere, scopeParam, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every Community query reads. */
export const COMMUNITY_SELECT = { id: true, name: true, subdistrict: true, households: true, districtCode: true } as const;

/** Community reads, limited to the request's row scope. Pages are ordered by id. */
export class CommunityRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findByIds(ids: readonly number[]) {
    return this.prisma.community.findMany({
      where: { id: { in: [...ids] }, districtCode: districtWhere(this.scope) },
      select: COMMUNITY_SELECT,
    });
  }

  /** One page of communities, optionally in one district: `limit + 1` rows. */
  list(filter: { districtCode?: string }, limit: number, after?: CursorKey) {
    return this.prisma.community.findMany({
      where: { districtCode: districtWhere(this.scope, filter.districtCode), id: after ? { gt: Number(after[0]) } : undefined },
      select: COMMUNITY_SELECT,
      orderBy: { id: "asc" },
      take: limit + 1,
    });
  }

  /** Up to `limit + 1` communities of each district, in one statement. */
  listByDistricts(codes: readonly string[], limit: number, after?: CursorKey) {
    return this.prisma.$queryRaw<{ id: number; name: string; subdistrict: string; households: number; districtCode: string }[]>`
      SELECT id, name, subdistrict, households, district_code AS "districtCode" FROM (
        SELECT c.*, row_number() OVER (PARTITION BY district_code ORDER BY id) AS n
        FROM registry.community c
        WHERE district_code = ANY(${[...codes]}) AND id > ${after ? Number(after[0]) : 0}
          AND (${scopeParam(this.scope)}::text[] IS NULL OR district_code = ANY(${scopeParam(this.scope)}::text[]))
      ) ranked WHERE n <= ${limit + 1} ORDER BY district_code, id`;
  }
}
