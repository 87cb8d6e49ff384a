import { districtWhere, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { ReopeningStatus } from "./school-reopening.type.ts";

/** Columns every SchoolReopening query reads. */
export const SCHOOL_REOPENING_SELECT = {
  schoolId: true,
  districtCode: true,
  status: true,
  plannedDate: true,
  reopenedDate: true,
  gradesOnSite: true,
  approvalNote: true,
  updatedAt: true,
} as const;

/** A reopening row as the repository returns it. */
export interface SchoolReopeningRow {
  schoolId: number;
  districtCode: string;
  status: ReopeningStatus;
  plannedDate: Date | null;
  reopenedDate: Date | null;
  gradesOnSite: number[];
  approvalNote: string;
  updatedAt: Date;
}

/**
 * SchoolReopening reads: one row per school, limited to the request's row scope in SQL. Pages are
 * ordered by school id.
 */
export class SchoolReopeningRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findBySchoolIds(schoolIds: readonly number[]): Promise<SchoolReopeningRow[]> {
    return this.prisma.schoolReopening.findMany({
      where: { schoolId: { in: [...schoolIds] }, districtCode: districtWhere(this.scope) },
      select: SCHOOL_REOPENING_SELECT,
    }) as Promise<SchoolReopeningRow[]>;
  }

  /** One page of reopening records, filtered by district and/or status: `limit + 1` rows. */
  list(
    filter: { districtCode?: string; status?: ReopeningStatus },
    limit: number,
    after?: CursorKey,
  ): Promise<SchoolReopeningRow[]> {
    return this.prisma.schoolReopening.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        status: filter.status,
        schoolId: after ? { gt: Number(after[0]) } : undefined,
      },
      select: SCHOOL_REOPENING_SELECT,
      orderBy: { schoolId: "asc" },
      take: limit + 1,
    }) as Promise<SchoolReopeningRow[]>;
  }
}
