import { districtWhere, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { SchoolStage } from "./school.type.ts";

/** Columns every School query reads. */
export const SCHOOL_SELECT = {
  id: true,
  name: true,
  stage: true,
  districtCode: true,
  address: true,
  capacity: true,
} as const;

/** A school row as the repository returns it. */
export interface SchoolRow {
  id: number;
  name: string;
  stage: SchoolStage;
  districtCode: string;
  address: string;
  capacity: number;
}

/** School reads, limited to the request's row scope in SQL. Pages are ordered by id. */
export class SchoolRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** Schools by id; ids out of scope are absent, as unknown ids are. */
  findByIds(ids: readonly number[]): Promise<SchoolRow[]> {
    return this.prisma.school.findMany({
      where: { id: { in: [...ids] }, districtCode: districtWhere(this.scope) },
      select: SCHOOL_SELECT,
    }) as Promise<SchoolRow[]>;
  }

  /** One page of schools, filtered by district and/or stage: `limit + 1` rows. */
  list(
    filter: { districtCode?: string; stage?: SchoolStage },
    limit: number,
    after?: CursorKey,
  ): Promise<SchoolRow[]> {
    return this.prisma.school.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        stage: filter.stage,
        id: after ? { gt: Number(after[0]) } : undefined,
      },
      select: SCHOOL_SELECT,
      orderBy: { id: "asc" },
      take: limit + 1,
    }) as Promise<SchoolRow[]>;
  }
}
