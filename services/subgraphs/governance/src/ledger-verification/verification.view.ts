import type { Prisma } from "../../prisma/generated/client.ts";
import type { VerificationRow } from "./verification.repository.ts";
import {
  AnchorSinkReport,
  LedgerBreakReport,
  LedgerVerificationRun,
  LedgerVerificationStatus,
} from "./verification.type.ts";
import { STALE_AFTER_MS } from "./verification.runner.ts";

/** Where a stored run stands at `now`: a run nobody has updated for a while died with its process. */
export function statusOf(
  row: Pick<VerificationRow, "failure" | "finishedAt" | "intact" | "updatedAt">,
  now: Date,
): LedgerVerificationStatus {
  if (row.failure !== null) return LedgerVerificationStatus.FAILED;
  if (row.finishedAt) return row.intact ? LedgerVerificationStatus.INTACT : LedgerVerificationStatus.BROKEN;
  return now.getTime() - row.updatedAt.getTime() > STALE_AFTER_MS
    ? LedgerVerificationStatus.INTERRUPTED
    : LedgerVerificationStatus.RUNNING;
}

/** A stored run as the API shows it. */
export function toVerificationRun(row: VerificationRow, now: Date): LedgerVerificationRun {
  return {
    id: row.id,
    status: statusOf(row, now),
    requestedBy: row.requestedBy,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    totalEntries: Number(row.totalEntries),
    entriesChecked: Number(row.entriesChecked),
    breakCount: row.breakCount,
    breaks: objects(row.breaks).map(breakOf),
    anchors: objects(row.anchors).map(anchorOf),
    warnings: row.warnings,
    headSeq: row.headSeq === null ? null : String(row.headSeq),
    checkpointSeq: row.checkpointSeq === null ? null : String(row.checkpointSeq),
    failure: row.failure,
  };
}

type JsonObject = Prisma.JsonObject;

/** The objects of a JSON array column (the runner writes nothing else; anything else is skipped). */
function objects(value: Prisma.JsonValue): JsonObject[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (item): item is JsonObject => typeof item === "object" && item !== null && !Array.isArray(item),
  );
}

const text = (value: Prisma.JsonValue | undefined): string => (typeof value === "string" ? value : "");
const optionalText = (value: Prisma.JsonValue | undefined): string | null =>
  typeof value === "string" ? value : null;

function breakOf(item: JsonObject): LedgerBreakReport {
  return {
    kind: text(item.kind),
    seq: text(item.seq),
    lastSeq: optionalText(item.lastSeq),
    reason: text(item.reason),
  };
}

function anchorOf(item: JsonObject): AnchorSinkReport {
  return {
    source: text(item.source),
    anchors: typeof item.anchors === "number" ? item.anchors : 0,
    latestSeq: optionalText(item.latestSeq),
  };
}
