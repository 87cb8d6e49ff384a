import { districtWhere, type RowScope } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { CheckpointKind } from "./checkpoint.type.ts";

/** Columns every Checkpoint query reads. */
export const CHECKPOINT_SELECT = {
  code: true,
  name: true,
  road: true,
  kind: true,
  districtCode: true,
} as const;

/** A checkpoint row as the repository returns it. */
export interface CheckpointRow {
  code: string;
  name: string;
  road: string;
  kind: CheckpointKind;
  districtCode: string;
}

/**
 * Checkpoint reads, limited to the request's row scope (the checkpoint's district). The list is
 * small and fixed (about fifty), so it is never paginated.
 */
export class CheckpointRepository {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly scope: RowScope,
  ) {}

  /** The checkpoints of `codes` that exist and lie in the scope; the others are simply absent. */
  findByCodes(codes: readonly string[]): Promise<CheckpointRow[]> {
    return this.prisma.checkpoint.findMany({
      where: { code: { in: [...codes] }, districtCode: districtWhere(this.scope) },
      select: CHECKPOINT_SELECT,
    }) as Promise<CheckpointRow[]>;
  }

  list(filter: { districtCode?: string; kind?: CheckpointKind }): Promise<CheckpointRow[]> {
    return this.prisma.checkpoint.findMany({
      where: { districtCode: districtWhere(this.scope, filter.districtCode), kind: filter.kind },
      select: CHECKPOINT_SELECT,
      orderBy: { code: "asc" },
    }) as Promise<CheckpointRow[]>;
  }
}
