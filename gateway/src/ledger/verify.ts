import type pg from "pg";
import type { JWK } from "jose";
import { canonicalJson } from "./canonical-json.ts";
import { GENESIS_HASH, entryHash } from "./hash.ts";
import { ledgerColumnsOf, type LedgerColumns, type LedgerEntryInput } from "./entry.ts";
import { createCheckpointVerifier, type LedgerCheckpointStatement } from "./checkpoint.ts";

/** Options of {@link verifyLedger}. */
export interface VerifyLedgerOptions {
  /** Entries fetched per round trip. Default 5 000. */
  batchSize?: number;
  /** Called after each batch with the number of entries checked so far. */
  onProgress?: (entries: number) => void;
}

/** The result of {@link verifyLedger}. */
export interface LedgerVerification {
  /** True when every entry and every checkpoint checks out. */
  ok: boolean;
  /** Entries found intact (all of them when `ok`). */
  entries: number;
  /** The last intact entry. */
  head?: { seq: string; hash: string };
  /** The first problem, by position in the chain: the entry (or checkpoint) and what is wrong. */
  firstBroken?: { seq: string; reason: string };
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  /** The latest checkpoint whose signature verified. */
  checkpoint?: LedgerCheckpointStatement;
}

interface EntryRow {
  seq: string;
  created_at: Date;
  body: string;
  prev_hash: string;
  hash: string;
  request_id: string;
  principal: string;
  agreement_id: string | null;
  purpose: string | null;
  outcome: string;
  subjects: string[] | null;
  coordinates: string[] | null;
  denied: string[] | null;
}

interface CheckpointRow {
  seq: string;
  hash: string;
  signed_at: Date;
  signature: string;
}

/**
 * Walks the whole ledger in `seq` order, in batches from a server-side cursor over one snapshot
 * (memory stays flat for any number of entries), and checks each entry: its `prevHash` is the
 * previous entry's hash (genesis: 64 zeros), its hash is sha256(prevHash + body), its body is
 * canonical JSON, and its query columns say what the body says. Then every checkpoint: its
 * signature (ES256, one of `publicKeys`), and that the chain still holds its seq with its hash —
 * so rows deleted from the end, before the latest checkpoint, are detected.
 *
 * What each kind of tampering looks like: a modified body → "hash does not match" at that entry;
 * an edited column → "column … differs" at that entry; a deleted entry → the next entry's prevHash
 * does not link; swapped entries → the first of them does not link; a truncated tail → the latest
 * checkpoint's entry is missing.
 */
export async function verifyLedger(
  pool: pg.Pool,
  publicKeys: JWK | readonly JWK[],
  options: VerifyLedgerOptions = {},
): Promise<LedgerVerification> {
  const batchSize = options.batchSize ?? 5_000;
  const verifySignature = createCheckpointVerifier(publicKeys);
  const client = await pool.connect();
  let reusable = true;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");

    // Checkpoints are few (one per thousand entries or minute): read them all.
    const { rows: checkpointRows } = await client.query<CheckpointRow>(
      "SELECT seq::text AS seq, hash, signed_at, signature FROM governance.ledger_checkpoint AS c ORDER BY c.seq",
    );
    const signed: LedgerCheckpointStatement[] = [];
    let badCheckpoint: { seq: string; reason: string } | undefined;
    for (const row of checkpointRows) {
      const statement = { seq: row.seq, hash: row.hash, signedAt: row.signed_at.toISOString() };
      const problem = await verifySignature(statement, row.signature);
      if (problem === null) signed.push(statement);
      else badCheckpoint ??= { seq: row.seq, reason: `checkpoint at seq ${row.seq}: ${problem}` };
    }

    const result: LedgerVerification = { ok: false, entries: 0, checkpoints: signed.length, checkpoint: signed.at(-1) };
    const broken = (seq: string, reason: string): LedgerVerification => ({ ...result, firstBroken: { seq, reason } });

    await client.query(
      `DECLARE ledger_walk NO SCROLL CURSOR FOR
       SELECT seq::text AS seq, created_at, body, prev_hash, hash, request_id, principal, agreement_id::text AS agreement_id,
              purpose, outcome, subjects, coordinates, denied
       FROM governance.ledger_entry AS e ORDER BY e.seq`,
    );
    let prev: { seq: string; hash: string } | undefined;
    let nextCheckpoint = 0;
    for (;;) {
      const { rows } = await client.query<EntryRow>(`FETCH ${batchSize} FROM ledger_walk`);
      for (const row of rows) {
        const seq = BigInt(row.seq);
        // A signed checkpoint's entry that the walk stepped over is gone.
        const passed = signed[nextCheckpoint];
        if (passed && BigInt(passed.seq) < seq) {
          return broken(passed.seq, `entry ${passed.seq}, signed in a checkpoint at ${passed.signedAt}, is missing: entries were deleted`);
        }
        const expected = prev?.hash ?? GENESIS_HASH;
        if (row.prev_hash !== expected) {
          return broken(
            row.seq,
            prev
              ? `prevHash does not match the hash of the entry before it (seq ${prev.seq}): an entry was deleted, inserted or moved here`
              : "the first entry does not start from the genesis hash: entries before it were deleted",
          );
        }
        if (row.hash !== entryHash(row.prev_hash, row.body)) {
          return broken(row.seq, "hash does not match sha256(prevHash + body): the entry was modified");
        }
        let columns: LedgerColumns;
        try {
          const parsed = JSON.parse(row.body) as LedgerEntryInput;
          if (canonicalJson(parsed) !== row.body) return broken(row.seq, "the body is not canonical JSON");
          columns = ledgerColumnsOf(parsed);
        } catch {
          return broken(row.seq, "the body is not a ledger entry");
        }
        const differing = differingColumn(row, columns);
        if (differing) return broken(row.seq, `column ${differing} differs from the entry's body: the row was edited`);
        const checkpoint = signed[nextCheckpoint];
        if (checkpoint && BigInt(checkpoint.seq) === seq) {
          if (checkpoint.hash !== row.hash) {
            return broken(row.seq, `hash differs from the checkpoint signed at ${checkpoint.signedAt}: the chain was rewritten`);
          }
          nextCheckpoint++;
        }
        prev = { seq: row.seq, hash: row.hash };
        result.entries++;
        result.head = prev;
      }
      options.onProgress?.(result.entries);
      if (rows.length < batchSize) break;
    }
    const beyond = signed[nextCheckpoint];
    if (beyond) {
      return broken(
        beyond.seq,
        `the ledger ends at seq ${prev?.seq ?? "(none)"}, before the checkpoint of seq ${beyond.seq} signed at ${beyond.signedAt}: entries were removed from its end`,
      );
    }
    if (badCheckpoint) return { ...result, firstBroken: badCheckpoint };
    return { ...result, ok: true };
  } catch (error) {
    reusable = false;
    throw error;
  } finally {
    if (reusable) await client.query("ROLLBACK").catch(() => (reusable = false));
    client.release(reusable ? undefined : true);
  }
}

function sameList(a: readonly string[] | null, b: readonly string[]): boolean {
  return a !== null && a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The first query column of `row` that does not say what the body says, or undefined. */
function differingColumn(row: EntryRow, c: LedgerColumns): string | undefined {
  if (row.created_at.toISOString() !== c.createdAt) return "created_at";
  if (row.request_id !== c.requestId) return "request_id";
  if (row.principal !== c.principal) return "principal";
  if (row.agreement_id !== c.agreementId) return "agreement_id";
  if (row.purpose !== c.purpose) return "purpose";
  if (row.outcome !== c.outcome) return "outcome";
  if (!sameList(row.subjects, c.subjects)) return "subjects";
  if (!sameList(row.coordinates, c.coordinates)) return "coordinates";
  if (!sameList(row.denied, c.denied)) return "denied";
  return undefined;
}
