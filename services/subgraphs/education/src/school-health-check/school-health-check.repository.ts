import { districtWhere, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every SchoolHealthCheck query reads. */
export const SCHOOL_HEALTH_CHECK_SELECT = {
  schoolId: true,
  date: true,
  districtCode: true,
  studentsExpected: true,
  studentsChecked: true,
  withFever: true,
  absentForIllness: true,
  reportedAt: true,
} as const;

/** A health-check row as the repository returns it. */
export interface SchoolHealthCheckRow {
  schoolId: number;
  date: Date;
  districtCode: string;
  studentsExpected: number;
  studentsChecked: number;
  withFever: number;
  absentForIllness: number;
  reportedAt: Date;
}

/** A closed-open window of report dates, already validated and bounded by the caller. */
export interface ReportWindow {
  from: Date;
  to: Date;
}

/**
 * SchoolHealthCheck reads, limited to the request's row scope in SQL. Windows are bounded, so lists
 * are not paginated.
 */
export class SchoolHealthCheckRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** The reports of several schools in one window, each school's newest first, in one statement. */
  listBySchools(schoolIds: readonly number[], window: ReportWindow): Promise<SchoolHealthCheckRow[]> {
    return this.prisma.schoolHealthCheck.findMany({
      where: {
        schoolId: { in: [...schoolIds] },
        districtCode: districtWhere(this.scope),
        date: { gte: window.from, lt: window.to },
      },
      select: SCHOOL_HEALTH_CHECK_SELECT,
      orderBy: [{ schoolId: "asc" }, { date: "desc" }],
    });
  }
}
