import type { PrismaClient } from "../../prisma/generated/client.ts";
import type { StoredStatus } from "../agreement/agreement.repository.ts";

/** Columns every ApiKey query reads. Never the secret's hash: it stays in the database. */
export const API_KEY_SELECT = {
  id: true,
  agreementId: true,
  createdBy: true,
  createdAt: true,
  revokedBy: true,
  revokedAt: true,
} as const;

/** An API key row, without its hash. */
export interface ApiKeyRow {
  id: string;
  agreementId: string;
  createdBy: string;
  createdAt: Date;
  revokedBy: string | null;
  revokedAt: Date | null;
}

/** What a key's issuance checks of its agreement, with the agreement's row locked. */
export type IssueCheck = (agreement: { status: StoredStatus; validUntil: Date }) => void;

/** API keys of agreements. */
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Every key of each agreement, newest first. */
  ofAgreements(agreementIds: readonly string[]): Promise<ApiKeyRow[]> {
    return this.prisma.apiKey.findMany({
      where: { agreementId: { in: [...agreementIds] } },
      select: API_KEY_SELECT,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    });
  }

  findById(id: string): Promise<ApiKeyRow | null> {
    return this.prisma.apiKey.findUnique({ where: { id }, select: API_KEY_SELECT });
  }

  /**
   * Stores a new key, in one transaction with the agreement's row locked (`FOR UPDATE`), so that a
   * concurrent suspension or revocation is either before the check or after the key. `check` throws
   * to refuse. With `revokeOthers` (rotation), the agreement's other live keys are revoked too.
   * Null when the agreement does not exist.
   */
  issue(
    key: { id: string; agreementId: string; secretHash: string; createdBy: string },
    options: { revokeOthers: boolean; check: IssueCheck; now?: Date },
  ): Promise<ApiKeyRow | null> {
    const now = options.now ?? new Date();
    return this.prisma.$transaction(async (tx) => {
      const [agreement] = await tx.$queryRaw<{ status: StoredStatus; validUntil: Date }[]>`
        SELECT status::text AS status, valid_until AS "validUntil"
        FROM governance.agreement WHERE id = ${key.agreementId}::uuid FOR UPDATE`;
      if (!agreement) return null;
      options.check(agreement);
      const created = await tx.apiKey.create({ data: { ...key, createdAt: now }, select: API_KEY_SELECT });
      if (options.revokeOthers) {
        await tx.apiKey.updateMany({
          where: { agreementId: key.agreementId, revokedAt: null, id: { not: created.id } },
          data: { revokedAt: now, revokedBy: key.createdBy },
        });
      }
      return created;
    });
  }

  /** Revokes a key unless it is revoked already (the first revocation's time and author stay). */
  async revoke(id: string, revokedBy: string, now = new Date()): Promise<ApiKeyRow | null> {
    await this.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now, revokedBy } });
    return this.findById(id);
  }
}
