import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every Organization query reads. */
export const ORGANIZATION_SELECT = { id: true, name: true, creditCode: true, createdAt: true } as const;

/** An organization row as the repository returns it. */
export interface OrganizationRow {
  id: string;
  name: string;
  creditCode: string;
  createdAt: Date;
}

/** Organizations holding agreements. Pages are ordered by credit code (unique, indexed). */
export class OrganizationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  findByIds(ids: readonly string[]): Promise<OrganizationRow[]> {
    return this.prisma.organization.findMany({ where: { id: { in: [...ids] } }, select: ORGANIZATION_SELECT });
  }

  /** One page, `limit + 1` rows, optionally only the organization with a credit code. */
  list(filter: { creditCode?: string }, limit: number, after?: CursorKey): Promise<OrganizationRow[]> {
    return this.prisma.organization.findMany({
      where: {
        AND: [
          filter.creditCode ? { creditCode: filter.creditCode } : {},
          after ? { creditCode: { gt: String(after[0]) } } : {},
        ],
      },
      select: ORGANIZATION_SELECT,
      orderBy: { creditCode: "asc" },
      take: limit + 1,
    });
  }

  /** Creates an organization; null when one with the credit code exists already. */
  async create(data: { name: string; creditCode: string }): Promise<OrganizationRow | null> {
    try {
      return await this.prisma.organization.create({ data, select: ORGANIZATION_SELECT });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }
}

/** Prisma's P2002 (unique constraint), as it arrives through the driver adapter. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
