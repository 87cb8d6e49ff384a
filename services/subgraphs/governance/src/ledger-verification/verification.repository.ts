import type { Prisma, PrismaClient } from "../../prisma/generated/client.ts";

/** Columns every read of a verification run returns. */
export const VERIFICATION_SELECT = {
  id: true,
  requestedBy: true,
  startedAt: true,
  updatedAt: true,
  finishedAt: true,
  totalEntries: true,
  entriesChecked: true,
  intact: true,
  breakCount: true,
  breaks: true,
  anchors: true,
  warnings: true,
  headSeq: true,
  checkpointSeq: true,
  failure: true,
} as const satisfies Prisma.LedgerVerificationSelect;

/** A verification run as stored. */
export type VerificationRow = Prisma.LedgerVerificationGetPayload<{ select: typeof VERIFICATION_SELECT }>;

/** What a finished run found. */
export interface VerificationFindings {
  entriesChecked: number;
  intact: boolean;
  breakCount: number;
  breaks: Prisma.InputJsonValue;
  anchors: Prisma.InputJsonValue;
  warnings: string[];
  headSeq: bigint | null;
  checkpointSeq: bigint | null;
}

/** The chain's newest entry and newest signed checkpoint, as the integrity summary shows them. */
export interface ChainHeads {
  head: { seq: bigint; hash: string; createdAt: Date } | null;
  checkpoint: { seq: bigint; signedAt: Date } | null;
}

/** Verification runs (`governance.ledger_verification`) and the chain heads they report on. */
export class VerificationRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Records a new run about to walk `totalEntries` entries. */
  create(requestedBy: string, totalEntries: bigint): Promise<VerificationRow> {
    return this.prisma.ledgerVerification.create({
      data: { requestedBy, totalEntries },
      select: VERIFICATION_SELECT,
    });
  }

  findById(id: string): Promise<VerificationRow | null> {
    return this.prisma.ledgerVerification.findUnique({ where: { id }, select: VERIFICATION_SELECT });
  }

  /** The newest run, finished or not. */
  latest(): Promise<VerificationRow | null> {
    return this.prisma.ledgerVerification.findFirst({
      orderBy: [{ startedAt: "desc" }, { id: "desc" }],
      select: VERIFICATION_SELECT,
    });
  }

  /** The newest unfinished run whose process reported after `since`: one still running somewhere. */
  running(since: Date): Promise<VerificationRow | null> {
    return this.prisma.ledgerVerification.findFirst({
      where: { finishedAt: null, updatedAt: { gte: since } },
      orderBy: { startedAt: "desc" },
      select: VERIFICATION_SELECT,
    });
  }

  /** A heartbeat, with the entries walked so far. */
  async progress(id: string, entriesChecked: number): Promise<void> {
    await this.prisma.ledgerVerification.update({
      where: { id },
      data: { entriesChecked, updatedAt: new Date() },
      select: { id: true },
    });
  }

  async finish(id: string, findings: VerificationFindings): Promise<void> {
    const now = new Date();
    await this.prisma.ledgerVerification.update({
      where: { id },
      data: { ...findings, updatedAt: now, finishedAt: now },
      select: { id: true },
    });
  }

  async fail(id: string, failure: string): Promise<void> {
    const now = new Date();
    await this.prisma.ledgerVerification.update({
      where: { id },
      data: { failure, updatedAt: now, finishedAt: now },
      select: { id: true },
    });
  }

  /** The chain head (highest seq) and the latest checkpoint: two primary-key lookups. */
  async heads(): Promise<ChainHeads> {
    const [head, checkpoint] = await Promise.all([
      this.prisma.ledgerEntry.findFirst({
        orderBy: { seq: "desc" },
        select: { seq: true, hash: true, createdAt: true },
      }),
      this.prisma.ledgerCheckpoint.findFirst({
        orderBy: { seq: "desc" },
        select: { seq: true, signedAt: true },
      }),
    ]);
    return { head, checkpoint };
  }
}
