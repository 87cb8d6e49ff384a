import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every District query reads. */
export const DISTRICT_SELECT = { code: true, name: true, nameEn: true, zone: true, official: true } as const;

/** District reads. The list is small and fixed, so it is never paginated. */
export class DistrictRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByCodes(codes: readonly string[]) {
    return this.prisma.district.findMany({ where: { code: { in: [...codes] } }, select: DISTRICT_SELECT });
  }

  list(zones: boolean | undefined) {
    return this.prisma.district.findMany({
      where: zones === undefined ? {} : { zone: zones },
      select: DISTRICT_SELECT,
      orderBy: { code: "asc" },
    });
  }
}
