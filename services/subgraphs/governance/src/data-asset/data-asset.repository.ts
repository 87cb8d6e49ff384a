import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { DataAssetRecord } from "./data-asset.catalog.ts";

/** Columns every DataAsset query reads. */
export const DATA_ASSET_SELECT = {
  coordinate: true,
  typeName: true,
  fieldName: true,
  owner: true,
  owners: true,
  returnType: true,
  description: true,
  level: true,
  kind: true,
  requirements: true,
} as const;

/** The data-asset catalog. Pages are ordered by coordinate. */
export class DataAssetRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Assets after the cursor, in coordinate order: `limit + 1` of them (the extra one says a page
   * follows), or every one when `limit` is undefined (for filters applied after the query).
   */
  list(filter: { owner?: string; typeName?: string }, limit: number | undefined, after?: CursorKey) {
    return this.prisma.dataAsset.findMany({
      where: {
        owner: filter.owner,
        typeName: filter.typeName,
        coordinate: after ? { gt: String(after[0]) } : undefined,
      },
      select: DATA_ASSET_SELECT,
      orderBy: { coordinate: "asc" },
      take: limit === undefined ? undefined : limit + 1,
    });
  }

  /** Replaces the catalog with `records` atomically: readers see the old or the new catalog, never half. */
  async replaceAll(records: DataAssetRecord[]): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.dataAsset.deleteMany({}),
      this.prisma.dataAsset.createMany({ data: records }),
    ]);
  }
}
