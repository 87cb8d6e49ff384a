import type { PrismaClient } from "../../../../prisma/generated/health/client.ts";

/** Columns every FeverClinic query reads. */
export const FEVER_CLINIC_SELECT = {
  id: true,
  name: true,
  hospital: true,
  grade: true,
  districtCode: true,
} as const;

/** Fever-clinic reads. About sixty clinics: lists are never paginated. */
export class FeverClinicRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByIds(ids: readonly number[]) {
    return this.prisma.feverClinic.findMany({ where: { id: { in: [...ids] } }, select: FEVER_CLINIC_SELECT });
  }

  list(filter: { districtCode?: string }) {
    return this.prisma.feverClinic.findMany({
      where: { districtCode: filter.districtCode },
      select: FEVER_CLINIC_SELECT,
      orderBy: { id: "asc" },
    });
  }
}
