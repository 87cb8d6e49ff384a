import { districtWhere, type CursorKey, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { Industry } from "./enterprise.type.ts";

/** Columns every Enterprise query reads. */
export const ENTERPRISE_SELECT = {
  creditCode: true,
  name: true,
  industry: true,
  districtCode: true,
  registeredCapital: true,
  establishedOn: true,
  employeeCount: true,
  legalRepresentativeId: true,
} as const;

/** An enterprise row as the repository returns it. */
export interface EnterpriseRow {
  creditCode: string;
  name: string;
  industry: Industry;
  districtCode: string;
  /** 万元. */
  registeredCapital: number;
  establishedOn: Date;
  employeeCount: number;
  legalRepresentativeId: string;
}

type SelectedEnterprise = Omit<EnterpriseRow, "registeredCapital" | "industry"> & {
  industry: string;
  registeredCapital: { toNumber(): number };
};

/** Decimal(14,4) to a JS number: exact to the yuan for any capital a licence states. */
function toRow(row: SelectedEnterprise): EnterpriseRow {
  return { ...row, industry: row.industry as Industry, registeredCapital: row.registeredCapital.toNumber() };
}

/**
 * Enterprise reads. Pages are ordered by credit code. Every read is limited to the request's row
 * scope in SQL: an enterprise outside it does not exist for the caller.
 */
export class EnterpriseRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  async findByCreditCodes(creditCodes: readonly string[]): Promise<EnterpriseRow[]> {
    const rows = await this.prisma.enterprise.findMany({
      where: { creditCode: { in: [...creditCodes] }, districtCode: districtWhere(this.scope) },
      select: ENTERPRISE_SELECT,
    });
    return rows.map(toRow);
  }

  /** One page of enterprises, optionally in one district and/or industry: `limit + 1` rows. */
  async list(filter: { districtCode?: string; industry?: Industry }, limit: number, after?: CursorKey): Promise<EnterpriseRow[]> {
    const rows = await this.prisma.enterprise.findMany({
      where: {
        districtCode: districtWhere(this.scope, filter.districtCode),
        industry: filter.industry,
        creditCode: after ? { gt: String(after[0]) } : undefined,
      },
      select: ENTERPRISE_SELECT,
      orderBy: { creditCode: "asc" },
      take: limit + 1,
    });
    return rows.map(toRow);
  }
}
