import type { PrismaClient } from "../../../../prisma/generated/health/client.ts";

/** Columns every HealthCode query reads. */
export const HEALTH_CODE_SELECT = {
  personId: true,
  color: true,
  reason: true,
  assignedAt: true,
  districtCode: true,
} as const;

/** Health-code reads: one code per person. */
export class HealthCodeRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByPersonIds(personIds: readonly string[]) {
    return this.prisma.healthCode.findMany({
      where: { personId: { in: [...personIds] } },
      select: HEALTH_CODE_SELECT,
    });
  }
}
