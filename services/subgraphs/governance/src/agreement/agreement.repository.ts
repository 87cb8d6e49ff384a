import type { CursorKey } from "@citygraph/core";
import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { AgreementStatus as StoredStatus } from "../../prisma/generated/enums.ts";
import { AgreementStatus } from "./agreement.type.ts";
import { isUniqueViolation } from "../organization/organization.repository.ts";
import { EXPIRING_STATUSES, effectiveStatus as effectiveStoredStatus } from "@citygraph/agreements";

export type { StoredStatus };

/** Columns every Agreement query reads. */
export const AGREEMENT_SELECT = {
  id: true,
  organizationId: true,
  title: true,
  purposes: true,
  legalBasis: true,
  scopes: true,
  allowedFields: true,
  districts: true,
  validFrom: true,
  validUntil: true,
  requestsPerMinute: true,
  recordsPerDay: true,
  status: true,
  statusReason: true,
  createdBy: true,
  createdAt: true,
  approvedBy: true,
  approvedAt: true,
  updatedBy: true,
  updatedAt: true,
} as const;

/** Columns every AgreementOperation query reads. */
export const AGREEMENT_OPERATION_SELECT = {
  agreementId: true,
  name: true,
  sha256: true,
  document: true,
  registeredBy: true,
  registeredAt: true,
} as const;

/** An agreement as the repository returns it: `status` is the effective one (see {@link effectiveStatus}). */
export interface AgreementRow {
  id: string;
  organizationId: string;
  title: string;
  purposes: string[];
  legalBasis: string;
  scopes: string[];
  allowedFields: string[];
  districts: string[];
  validFrom: Date;
  validUntil: Date;
  requestsPerMinute: number;
  recordsPerDay: number;
  status: AgreementStatus;
  statusReason: string | null;
  createdBy: string;
  createdAt: Date;
  approvedBy: string | null;
  approvedAt: Date | null;
  updatedBy: string | null;
  updatedAt: Date | null;
}

/** An operation row. */
export interface AgreementOperationRow {
  agreementId: string;
  name: string;
  sha256: string;
  document: string;
  registeredBy: string;
  registeredAt: Date;
}

/** What a new agreement stores (it starts as a DRAFT): the row's own fields, before any decision. */
export type NewAgreement = Pick<
  AgreementRow,
  | "organizationId"
  | "title"
  | "purposes"
  | "legalBasis"
  | "scopes"
  | "allowedFields"
  | "districts"
  | "validFrom"
  | "validUntil"
  | "requestsPerMinute"
  | "recordsPerDay"
  | "createdBy"
>;

/** Statuses that turn into EXPIRED once `validUntil` has passed (the shared rule's). */
const EXPIRING: StoredStatus[] = [...EXPIRING_STATUSES];

/** The status an agreement reads as at `now`, by the rule the gateway admits third parties with. */
export function effectiveStatus(stored: StoredStatus, validUntil: Date, now: Date): AgreementStatus {
  return AgreementStatus[effectiveStoredStatus(stored, validUntil, now)];
}

/** The stored rows that read as `status` at `now`. */
function statusWhere(status: AgreementStatus | undefined, now: Date) {
  switch (status) {
    case undefined:
      return {};
    case AgreementStatus.EXPIRED:
      return { OR: [{ status: "EXPIRED" as const }, { status: { in: EXPIRING }, validUntil: { lte: now } }] };
    case AgreementStatus.REVOKED:
      return { status: "REVOKED" as const };
    default:
      return { status: status as StoredStatus, validUntil: { gt: now } };
  }
}

/** Conditions a status change requires of the stored row, checked in the same UPDATE. */
export interface TransitionGuard {
  /** Stored statuses the change starts from. */
  from: StoredStatus[];
  /** Also require `validUntil` to be in the future. */
  unexpired: boolean;
  /** The row's `createdBy` must differ from this subject (four eyes on approval). */
  notCreatedBy?: string;
  /** The row's `updatedBy` must differ from this subject (four eyes on resumption). */
  notUpdatedBy?: string;
}

/** What a status change writes. */
export interface TransitionData {
  status: StoredStatus;
  statusReason: string | null;
  updatedBy: string;
  approvedBy?: string;
  /** Revoke the agreement's live API keys in the same transaction. */
  revokeKeys?: boolean;
}

/** Agreements and their persisted operations. Pages are ordered by creation, newest first. */
export class AgreementRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByIds(ids: readonly string[], now = new Date()): Promise<AgreementRow[]> {
    const rows = await this.prisma.agreement.findMany({ where: { id: { in: [...ids] } }, select: AGREEMENT_SELECT });
    return rows.map((row) => withEffectiveStatus(row, now));
  }

  async findById(id: string, now = new Date()): Promise<AgreementRow | null> {
    return (await this.findByIds([id], now))[0] ?? null;
  }

  /** One page, `limit + 1` rows, by `createdAt DESC, id DESC`; `status` filters on the effective status. */
  async list(
    filter: { status?: AgreementStatus; organizationId?: string },
    limit: number,
    after?: CursorKey,
    now = new Date(),
  ): Promise<AgreementRow[]> {
    const keyset = after
      ? {
          OR: [
            { createdAt: { lt: new Date(String(after[0])) } },
            { createdAt: new Date(String(after[0])), id: { lt: String(after[1]) } },
          ],
        }
      : {};
    const rows = await this.prisma.agreement.findMany({
      where: { AND: [statusWhere(filter.status, now), filter.organizationId ? { organizationId: filter.organizationId } : {}, keyset] },
      select: AGREEMENT_SELECT,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: limit + 1,
    });
    return rows.map((row) => withEffectiveStatus(row, now));
  }

  async create(data: NewAgreement, now = new Date()): Promise<AgreementRow> {
    const row = await this.prisma.agreement.create({ data: { ...data, status: "DRAFT" }, select: AGREEMENT_SELECT });
    return withEffectiveStatus(row, now);
  }

  /**
   * Changes an agreement's status if, and only if, the stored row still satisfies `guard` (one
   * conditional UPDATE: two administrators acting at once cannot both succeed). False when it did not.
   */
  async transition(id: string, guard: TransitionGuard, data: TransitionData, now = new Date()): Promise<boolean> {
    const where = {
      id,
      status: { in: guard.from },
      ...(guard.unexpired ? { validUntil: { gt: now } } : {}),
      ...(guard.notCreatedBy !== undefined ? { createdBy: { not: guard.notCreatedBy } } : {}),
      ...(guard.notUpdatedBy !== undefined ? { OR: [{ updatedBy: null }, { updatedBy: { not: guard.notUpdatedBy } }] } : {}),
    };
    const update = {
      status: data.status,
      statusReason: data.statusReason,
      updatedBy: data.updatedBy,
      updatedAt: now,
      ...(data.approvedBy !== undefined ? { approvedBy: data.approvedBy, approvedAt: now } : {}),
    };
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.agreement.updateMany({ where, data: update });
      if (count !== 1) return false;
      if (data.revokeKeys) {
        await tx.apiKey.updateMany({ where: { agreementId: id, revokedAt: null }, data: { revokedAt: now, revokedBy: data.updatedBy } });
      }
      return true;
    });
  }

  /** Field coordinates of `coordinates` that the data-asset catalog knows. */
  async knownCoordinates(coordinates: readonly string[]): Promise<Set<string>> {
    const rows = await this.prisma.dataAsset.findMany({
      where: { coordinate: { in: [...coordinates] } },
      select: { coordinate: true },
    });
    return new Set(rows.map((r) => r.coordinate));
  }

  /** Every operation of each agreement, by registration time. */
  operationsOf(agreementIds: readonly string[]): Promise<AgreementOperationRow[]> {
    return this.prisma.agreementOperation.findMany({
      where: { agreementId: { in: [...agreementIds] } },
      select: AGREEMENT_OPERATION_SELECT,
      orderBy: [{ registeredAt: "asc" }, { name: "asc" }],
    });
  }

  /** An operation of the agreement with this name or this hash, if any. */
  findOperation(agreementId: string, name: string, sha256: string): Promise<AgreementOperationRow | null> {
    return this.prisma.agreementOperation.findFirst({
      where: { agreementId, OR: [{ name }, { sha256 }] },
      select: AGREEMENT_OPERATION_SELECT,
    });
  }

  /** Registers an operation; null when the agreement has one with this name or hash already. */
  async addOperation(data: Omit<AgreementOperationRow, "registeredAt">): Promise<AgreementOperationRow | null> {
    try {
      return await this.prisma.agreementOperation.create({ data, select: AGREEMENT_OPERATION_SELECT });
    } catch (error) {
      if (isUniqueViolation(error)) return null;
      throw error;
    }
  }
}

function withEffectiveStatus<T extends { status: StoredStatus; validUntil: Date }>(row: T, now: Date): Omit<T, "status"> & { status: AgreementStatus } {
  return { ...row, status: effectiveStatus(row.status, row.validUntil, now) };
}
