import { districtWhere, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every FeverClinic query reads. */
export const FEVER_CLINIC_SELECT = {
  id: true,
  name: true,
  hospital: true,
  grade: true,
  districtCode: true,
} as const;

/**
 * Fever-clinic reads. About sixty clinics: lists are never paginated. A fixed reference list, but
 * each clinic sits in one district, so lists and lookups are limited to the row scope like every
 * other district-bound table.
 */
export class FeverClinicRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  findByIds(ids: readonly number[]) {
    return this.prisma.feverClinic.findMany({
      where: { id: { in: [...ids] }, districtCode: districtWhere(this.scope) },
      select: FEVER_CLINIC_SELECT,
    });
  }

  list(filter: { districtCode?: string }) {
    return this.prisma.feverClinic.findMany({
      where: { districtCode: districtWhere(this.scope, filter.districtCode) },
      select: FEVER_CLINIC_SELECT,
      orderBy: { id: "asc" },
    });
  }
}
