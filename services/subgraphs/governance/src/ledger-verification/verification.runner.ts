import type pg from "pg";
import type { LedgerAuditOptions, Logger } from "@citygraph/core";
import { anchorSinksOf, redactedUrl, verifyLedger, type LedgerVerification } from "@citygraph/ledger";
import type { VerificationFindings, VerificationRepository } from "./verification.repository.ts";

/** How often a running verification records its progress, milliseconds. */
export const HEARTBEAT_MS = 2_000;
/** A run that has not reported for this long, milliseconds, died with its process: it reads as INTERRUPTED. */
export const STALE_AFTER_MS = 30_000;
/** Breaks kept in a run's record; all are counted. */
const LISTED_BREAKS = 1_000;

/** Starts verifications of the ledger in this process, one at a time. */
export interface VerificationRunner {
  /** Whether this deployment can verify (it holds the gateway's public key). */
  readonly available: boolean;
  /** The anchor sinks a run checks, as reports name them. */
  readonly sinkNames: readonly string[];
  /**
   * Starts a run for `requestedBy` and resolves to its id once it is recorded; the walk goes on in
   * the background. While a run is going (here or in another replica) it resolves to that one:
   * one walk of the whole chain at a time is the bound on this work.
   */
  start(requestedBy: string): Promise<string>;
}

/** Options of {@link createVerificationRunner}. */
export interface VerificationRunnerOptions {
  /** The governance database's pool: the walk holds one connection in a read-only snapshot. */
  pool: pg.Pool;
  repository: VerificationRepository;
  /** Keys and sinks; undefined: {@link VerificationRunner.available} is false. */
  audit: LedgerAuditOptions | undefined;
  log: Logger;
}

/** See {@link VerificationRunner}. */
export function createVerificationRunner(options: VerificationRunnerOptions): VerificationRunner {
  const { pool, repository, audit, log } = options;
  const sinkNames = [
    ...(audit?.anchors?.file ? [audit.anchors.file] : []),
    ...(audit?.anchors?.databaseUrl ? [redactedUrl(audit.anchors.databaseUrl)] : []),
  ];
  let starting: Promise<string> | undefined;

  const walk = async (id: string, keys: LedgerAuditOptions["checkpointKeys"]) => {
    const sinks = anchorSinksOf(audit?.anchors);
    let checked = 0;
    const beat = setInterval(() => {
      repository
        .progress(id, checked)
        .catch((error: unknown) =>
          log.warn("verification progress not recorded", { run: id, error: String(error) }),
        );
    }, HEARTBEAT_MS);
    beat.unref();
    try {
      const result = await verifyLedger(pool, keys, {
        anchors: sinks,
        maxBreaks: LISTED_BREAKS,
        onProgress: (entries) => (checked = entries),
      });
      await repository.finish(id, findingsOf(result));
      log.info("ledger verified", { run: id, entries: result.entries, breaks: result.breakCount });
    } catch (error) {
      log.error("ledger verification failed", { run: id, error: String(error) });
      await repository.fail(id, failureOf(error)).catch(() => undefined);
    } finally {
      clearInterval(beat);
      for (const sink of sinks) await sink.close().catch(() => undefined);
    }
  };

  const begin = async (requestedBy: string, keys: LedgerAuditOptions["checkpointKeys"]) => {
    const going = await repository.running(new Date(Date.now() - STALE_AFTER_MS));
    if (going) return going.id;
    const { head } = await repository.heads();
    const run = await repository.create(requestedBy, head?.seq ?? 0n);
    void walk(run.id, keys);
    return run.id;
  };

  return {
    available: audit !== undefined,
    sinkNames,
    start(requestedBy) {
      if (!audit) return Promise.reject(new Error("ledger verification is not configured"));
      // Two auditors pressing the button at once get one run.
      starting ??= begin(requestedBy, audit.checkpointKeys).finally(() => (starting = undefined));
      return starting;
    },
  };
}

function findingsOf(result: LedgerVerification): VerificationFindings {
  const latestCheckpoint = result.checkpoint?.seq;
  return {
    entriesChecked: result.entries,
    intact: result.ok,
    breakCount: result.breakCount,
    breaks: result.breaks.map((b) => ({
      kind: b.kind,
      seq: b.seq,
      lastSeq: b.lastSeq ?? null,
      reason: b.reason,
    })),
    anchors: result.anchors.map((a) => ({
      source: a.source,
      anchors: a.anchors,
      latestSeq: a.latest?.seq ?? null,
    })),
    warnings: result.warnings,
    headSeq: result.head ? BigInt(result.head.seq) : null,
    checkpointSeq: latestCheckpoint === undefined ? null : BigInt(latestCheckpoint),
  };
}

/**
 * What an auditor is told of a run that could not finish. Driver messages can quote SQL or
 * connection details, so only the error's code goes out; the log has the rest.
 */
function failureOf(error: unknown): string {
  const code =
    typeof error === "object" && error !== null && "code" in error && typeof error.code === "string"
      ? error.code
      : undefined;
  return code
    ? `The ledger or an anchor sink could not be read (${code}); the governance subgraph's log has the details.`
    : "The verification stopped on an internal error; the governance subgraph's log has the details.";
}
