import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../../../prisma/generated/education/client.ts";
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

/** School reads. Pages are ordered by id. */
export class SchoolRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByIds(ids: readonly number[]): Promise<SchoolRow[]> {
    return this.prisma.school.findMany({ where: { id: { in: [...ids] } }, select: SCHOOL_SELECT }) as Promise<
      SchoolRow[]
    >;
  }

  /** One page of schools, filtered by district and/or stage: `limit + 1` rows. */
  list(
    filter: { districtCode?: string; stage?: SchoolStage },
    limit: number,
    after?: CursorKey,
  ): Promise<SchoolRow[]> {
    return this.prisma.school.findMany({
      where: {
        districtCode: filter.districtCode,
        stage: filter.stage,
        id: after ? { gt: Number(after[0]) } : undefined,
      },
      select: SCHOOL_SELECT,
      orderBy: { id: "asc" },
      take: limit + 1,
    }) as Promise<SchoolRow[]>;
  }
}
