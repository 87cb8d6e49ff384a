import type pg from "pg";
import type { JWK } from "jose";
import type { Logger } from "@citygraph/core";
import { canonicalJson } from "./canonical-json.ts";
import { GENESIS_HASH, entryHash } from "./hash.ts";
import { ledgerColumnsOf, normalizeEntry, quarantinedEntry, type LedgerEntryInput } from "./entry.ts";
import { createCheckpointSigner } from "./checkpoint.ts";

/**
 * The advisory lock every writer of the ledger holds from reading the chain's head to COMMIT, on
 * every gateway instance: one chain, whatever the number of writers. ("citygrap" in ASCII.)
 */
export const LEDGER_LOCK_KEY = 0x6369747967726170n;

/** Columns of one `ledger_entry` row, in INSERT order. */
const COLUMNS = [
  "seq",
  "created_at",
  "body",
  "prev_hash",
  "hash",
  "request_id",
  "principal",
  "agreement_id",
  "purpose",
  "outcome",
  "subjects",
  "coordinates",
  "denied",
] as const;

/** PostgreSQL accepts at most 65 535 parameters per statement. */
const MAX_BATCH = Math.floor(65_535 / COLUMNS.length);

/** Options of {@link createLedger}. */
export interface LedgerOptions {
  /** A pool acting as `citygraph_gateway` ({@link createLedgerPool}); the caller owns and ends it. */
  pool: pg.Pool;
  /** The gateway's private ES256 JWK with `kid`: signs checkpoints. */
  signingKey: JWK;
  /** Most entries per transaction. Default 256 (at most 5 461). */
  maxBatch?: number;
  /**
   * How long the first entry of an idle ledger waits for company before its transaction starts, ms.
   * Default 0: it starts after the current turn of the event loop, so a lone request waits for no
   * timer; under load, entries that arrive while a write is in flight share the next one anyway.
   */
  maxDelayMs?: number;
  /** Write a signed checkpoint at least every this many entries (across instances). Default 1 000. */
  checkpointEvery?: number;
  /** ... and at least this often while entries arrive, ms. Default 60 000. */
  checkpointIntervalMs?: number;
  /** Entries waiting beyond this many make `append` reject at once (backpressure, fail closed). Default 10 000. */
  maxPending?: number;
  /** Observers of each write: the watchful writer and the anchor publisher hook in here. Default none. */
  hooks?: LedgerHooks;
  log: Logger;
}

/**
 * Called by the writer around each transaction; kept apart from the group commit itself so that
 * guards on the chain (ledger/watch.ts, ledger/anchor-publisher.ts) stay out of its code.
 */
export interface LedgerHooks {
  /** Under the ledger lock, with the head just read (null: empty chain), before anything is written. */
  beforeWrite?(client: pg.PoolClient, head: { seq: string; hash: string } | null): Promise<void>;
  /** After COMMIT, with the head this transaction left. Must not throw or wait. */
  afterCommit?(head: { seq: string; hash: string }): void;
}

/** Counters of one ledger writer, for metrics and tests. */
export interface LedgerStats {
  /** Transactions that committed entries or checkpoints. */
  transactions: number;
  /** Entries committed. */
  entries: number;
  /** Checkpoints written by this writer. */
  checkpoints: number;
  /** Transactions that failed (their entries were rejected). */
  failures: number;
  /** The most entries one transaction committed. */
  largestBatch: number;
  /** Entries the database refused as given and that were stored in their quarantined form instead. */
  quarantined: number;
  /** Entries waiting or in flight. */
  pending: number;
}

/** The access ledger's writer: one per gateway process. */
export interface Ledger {
  /**
   * Records one entry. Resolves once it is durably committed in the chain; rejects (with a
   * {@link LedgerWriteError}, or a `LedgerEntryError` for a malformed entry) when it could not be:
   * the caller must then fail the request closed.
   */
  append(entry: LedgerEntryInput): Promise<void>;
  /** Resolves when every entry appended before the call has committed or failed. */
  flush(): Promise<void>;
  /** Refuses further appends, commits what is pending, writes a last checkpoint. Leaves the pool open. */
  close(): Promise<void>;
  stats(): LedgerStats;
}

/**
 * Whether a live server refused the statement (a SQLSTATE outside the connection, resource and
 * shutdown classes) — then retrying entries one by one can help — rather than the database being
 * unreachable, where it cannot.
 */
function refusedByServer(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" && /^[0-9A-Z]{5}$/.test(code) && !/^(08|53|57|58|XX|28|3D)/.test(code);
}

/** The ledger could not record entries (database unreachable, timeout, lost privileges, closed ledger…). */
export class LedgerWriteError extends Error {
  override name = "LedgerWriteError";
}

interface Pending {
  entry: LedgerEntryInput;
  body: string;
  resolve(): void;
  reject(error: Error): void;
}

interface Head {
  seq: string | null;
  hash: string;
  checkpointSeq: string | null;
}

/**
 * The tamper-evident access ledger's writer, with group commit: entries that arrive while a write
 * is in flight (or within `maxDelayMs` of the first) go into the next transaction together —
 *
 *   BEGIN; SELECT pg_advisory_xact_lock(K); read the head's hash;
 *   hash_i = sha256(hash_{i-1} + body_i) for each entry in order; one multi-row INSERT; COMMIT
 *
 * — and every `append` of the batch resolves after COMMIT, or all reject. Signed checkpoints of the
 * head go into the same transaction every `checkpointEvery` entries, and at least every
 * `checkpointIntervalMs` while entries arrive, so truncating the ledger's tail is detectable.
 */
export function createLedger(options: LedgerOptions): Ledger {
  const { pool, log } = options;
  const maxBatch = Math.min(options.maxBatch ?? 256, MAX_BATCH);
  const maxDelayMs = options.maxDelayMs ?? 0;
  const checkpointEvery = options.checkpointEvery ?? 1_000;
  const checkpointIntervalMs = options.checkpointIntervalMs ?? 60_000;
  const maxPending = options.maxPending ?? 10_000;
  for (const [name, value, min] of [
    ["maxBatch", maxBatch, 1],
    ["maxDelayMs", maxDelayMs, 0],
    ["checkpointEvery", checkpointEvery, 1],
    ["checkpointIntervalMs", checkpointIntervalMs, 1],
    ["maxPending", maxPending, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) throw new TypeError(`Ledger option ${name} must be a whole number >= ${min}.`);
  }
  if (!options.signingKey?.d || !options.signingKey.kid) {
    throw new TypeError("The ledger's signing key must be the gateway's private ES256 JWK with a kid.");
  }
  const signer = createCheckpointSigner(options.signingKey);
  // Reported on first use rather than as an unhandled rejection now.
  signer.catch(() => undefined);

  const stats: LedgerStats = { transactions: 0, entries: 0, checkpoints: 0, failures: 0, largestBatch: 0, quarantined: 0, pending: 0 };
  let queue: Pending[] = [];
  let writing: Promise<void> | undefined;
  /** Cancels the scheduled start of the next write, if one is scheduled. */
  let cancelScheduled: (() => void) | undefined;
  let closed = false;
  /** This writer committed entries that no checkpoint covers yet. */
  let dirty = false;
  let checkpointRequested = false;
  /** Entries ever queued, and ever settled (committed or rejected): `flush` waits for the first to catch up. */
  let enqueued = 0;
  let settled = 0;

  const checkpointTimer = setInterval(() => {
    if (!dirty) return;
    checkpointRequested = true;
    start();
  }, checkpointIntervalMs);
  checkpointTimer.unref();

  function schedule(): void {
    if (writing) return;
    if (queue.length >= maxBatch) start();
    else if (!cancelScheduled) {
      // 0: what arrived in this turn of the event loop's I/O goes together, and nothing waits.
      if (maxDelayMs === 0) {
        const immediate = setImmediate(start);
        cancelScheduled = () => clearImmediate(immediate);
      } else {
        const timeout = setTimeout(start, maxDelayMs);
        cancelScheduled = () => clearTimeout(timeout);
      }
    }
  }

  async function drain(until: () => boolean): Promise<void> {
    start();
    while (writing && !until()) {
      await writing;
    }
  }

  function start(): void {
    if (cancelScheduled) {
      cancelScheduled();
      cancelScheduled = undefined;
    }
    if (writing) return;
    if (queue.length === 0 && !checkpointRequested) return;
    const batch = queue.slice(0, maxBatch);
    queue = queue.slice(batch.length);
    const forceCheckpoint = checkpointRequested;
    checkpointRequested = false;
    writing = write(batch, forceCheckpoint).finally(() => {
      writing = undefined;
      // Entries that arrived meanwhile have waited long enough: write them now.
      if (queue.length > 0 || checkpointRequested) start();
    });
  }

  /**
   * Commits a batch, or — when the server refused it (not when it could not be reached) — each of
   * its entries alone, so that one entry the database will not take never sinks the others; an
   * entry refused alone is stored in its quarantined form (free text hashed), and only if even
   * that is refused is it rejected.
   */
  async function write(batch: Pending[], forceCheckpoint: boolean): Promise<void> {
    const error = await attempt(batch, forceCheckpoint);
    if (!error) return settle(batch);
    if (refusedByServer(error)) {
      for (const pending of batch) {
        if (batch.length > 1 && !(await attempt([pending], false))) {
          settle([pending]);
          continue;
        }
        const entry = quarantinedEntry(pending.entry);
        const stored: Pending = { ...pending, entry, body: canonicalJson(normalizeEntry(entry)) };
        const refused = await attempt([stored], false);
        if (!refused) {
          stats.quarantined++;
          log.error("access ledger refused an entry; stored it quarantined (free text hashed)", { requestId: entry.requestId });
          settle([pending]);
        } else {
          fail([pending], refused);
        }
      }
      return;
    }
    fail(batch, error);
  }

  function settle(batch: Pending[]): void {
    stats.pending -= batch.length;
    settled += batch.length;
    for (const pending of batch) pending.resolve();
  }

  function fail(batch: Pending[], cause: Error): void {
    stats.failures++;
    stats.pending -= batch.length;
    settled += batch.length;
    const error = new LedgerWriteError(`The access ledger could not record ${batch.length} entries: ${cause.message}`, { cause });
    for (const pending of batch) pending.reject(error);
  }

  /** One transaction; resolves with what went wrong, or undefined once committed. */
  async function attempt(batch: Pending[], forceCheckpoint: boolean): Promise<Error | undefined> {
    let client: pg.PoolClient | undefined;
    try {
      client = await pool.connect();
      // A connection killed mid-transaction also emits "error" on its client: without a listener
      // that would crash the gateway; the failed query reports it here instead.
      if (client.listenerCount("error") === 0) client.on("error", () => undefined);
      // One round trip: the lock is taken before the head is read, and each statement of a simple
      // query gets its own snapshot, so the head read is the previous writer's committed one.
      const results = (await client.query(
        `BEGIN; SELECT pg_advisory_xact_lock(${LEDGER_LOCK_KEY}); ` +
          `SELECT h.seq::text AS seq, h.hash, c.seq::text AS checkpoint_seq FROM (SELECT 1) AS one ` +
          `LEFT JOIN LATERAL (SELECT seq, hash FROM governance.ledger_entry ORDER BY seq DESC LIMIT 1) AS h ON true ` +
          `LEFT JOIN LATERAL (SELECT seq FROM governance.ledger_checkpoint ORDER BY seq DESC LIMIT 1) AS c ON true`,
      )) as unknown as pg.QueryResult[];
      const row = results[2]?.rows[0] as { seq: string | null; hash: string | null; checkpoint_seq: string | null } | undefined;
      const head: Head = { seq: row?.seq ?? null, hash: row?.hash ?? GENESIS_HASH, checkpointSeq: row?.checkpoint_seq ?? null };
      await options.hooks?.beforeWrite?.(client, head.seq === null ? null : { seq: head.seq, hash: head.hash });

      if (batch.length > 0) {
        const params: unknown[] = [];
        const tuples: string[] = [];
        let prev = head.hash;
        // Sequence numbers follow the head read under the lock, not a PostgreSQL sequence: an
        // aborted transaction leaves no gap, so every gap in the chain is a deletion.
        let seq = BigInt(head.seq ?? "0");
        for (const pending of batch) {
          const hash = entryHash(prev, pending.body);
          const c = ledgerColumnsOf(pending.entry);
          const base = params.length;
          seq++;
          params.push(seq.toString(), c.createdAt, pending.body, prev, hash, c.requestId, c.principal, c.agreementId, c.purpose, c.outcome);
          params.push(c.subjects, c.coordinates, c.denied);
          tuples.push(`(${COLUMNS.map((_, i) => `$${base + i + 1}`).join(",")})`);
          prev = hash;
        }
        const inserted = await client.query<{ seq: string }>(
          `INSERT INTO governance.ledger_entry (${COLUMNS.join(", ")}) VALUES ${tuples.join(",")} RETURNING seq::text AS seq`,
          params,
        );
        head.seq = inserted.rows.reduce((max, r) => (BigInt(r.seq) > BigInt(max) ? r.seq : max), inserted.rows[0]!.seq);
        head.hash = prev;
      }

      const sinceCheckpoint = head.seq === null ? 0n : BigInt(head.seq) - BigInt(head.checkpointSeq ?? "0");
      let checkpointed = false;
      if (head.seq !== null && sinceCheckpoint > 0n && (forceCheckpoint || sinceCheckpoint >= BigInt(checkpointEvery))) {
        const statement = { seq: head.seq, hash: head.hash, signedAt: new Date().toISOString() };
        const signature = await (await signer)(statement);
        await client.query(
          `INSERT INTO governance.ledger_checkpoint (seq, hash, signed_at, signature) VALUES ($1, $2, $3, $4) ON CONFLICT (seq) DO NOTHING`,
          [statement.seq, statement.hash, statement.signedAt, signature],
        );
        checkpointed = true;
      }
      await client.query("COMMIT");
      client.release();
      client = undefined;
      if (head.seq !== null) options.hooks?.afterCommit?.({ seq: head.seq, hash: head.hash });

      stats.transactions++;
      stats.entries += batch.length;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      if (checkpointed) stats.checkpoints++;
      if (checkpointed) dirty = false;
      else if (batch.length > 0) dirty = true;
      else if (sinceCheckpoint === 0n) dirty = false;
      return undefined;
    } catch (cause) {
      const message = cause instanceof Error ? cause.message : String(cause);
      log.error("access ledger write failed", { entries: batch.length, error: message, code: (cause as { code?: string })?.code });
      if (client) {
        // Whatever failed (the lock, the INSERT, COMMIT), leave no transaction open on a pooled
        // connection; ROLLBACK outside a transaction is only a warning. A connection that cannot
        // even roll back is discarded.
        let reusable = true;
        await client.query("ROLLBACK").catch(() => (reusable = false));
        client.release(reusable ? undefined : true);
      }
      // The checkpoint is requested again by the timer while entries remain unchecked.
      return cause instanceof Error ? cause : new Error(message);
    }
  }

  return {
    append(input) {
      if (closed) return Promise.reject(new LedgerWriteError("The access ledger is closed."));
      if (stats.pending >= maxPending) {
        return Promise.reject(new LedgerWriteError(`The access ledger has ${stats.pending} entries waiting; refusing more.`));
      }
      let entry: LedgerEntryInput;
      let body: string;
      try {
        entry = normalizeEntry(input);
        body = canonicalJson(entry);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ entry, body, resolve, reject });
        stats.pending++;
        enqueued++;
        schedule();
      });
    },
    async flush() {
      const target = enqueued;
      await drain(() => settled >= target);
    },
    async close() {
      closed = true;
      clearInterval(checkpointTimer);
      await drain(() => false);
      if (dirty) {
        checkpointRequested = true;
        await drain(() => false);
      }
    },
    stats: () => ({ ...stats }),
  };
}
