import { districtWhere, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every HealthCode query reads. */
export const HEALTH_CODE_SELECT = {
  personId: true,
  color: true,
  reason: true,
  assignedAt: true,
  districtCode: true,
} as const;

/**
 * Health-code reads: one code per person. Codes are district-bound (the holder's registered
 * district): a person whose code is outside the row scope has none as far as the request sees.
 */
export class HealthCodeRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findByPersonIds(personIds: readonly string[]) {
    return this.prisma.healthCode.findMany({
      where: { personId: { in: [...personIds] }, districtCode: districtWhere(this.scope) },
      select: HEALTH_CODE_SELECT,
    });
  }
}
