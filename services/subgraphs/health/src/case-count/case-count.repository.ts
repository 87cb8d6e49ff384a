import { districtWhere, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every CaseCount query reads. */
export const CASE_COUNT_SELECT = {
  date: true,
  districtCode: true,
  confirmed: true,
  asymptomatic: true,
  recovered: true,
} as const;

/**
 * Daily case-count reads. Windows are bounded by the resolver, so lists are not paginated. Each row
 * is one district's count: limited to the row scope like every district-bound table.
 */
export class CaseCountRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** Counts of days in [from, to), optionally of one district, by day then district code. */
  list(filter: { districtCode?: string; from: Date; to: Date }) {
    return this.prisma.caseCount.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        date: { gte: filter.from, lt: filter.to },
      },
      select: CASE_COUNT_SELECT,
      orderBy: [{ date: "asc" }, { districtCode: "asc" }],
    });
  }
}
