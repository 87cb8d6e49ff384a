import type pg from "pg";
import type { JWK } from "jose";
import { isCanonicalJsonOf } from "./canonical-json.ts";
import { GENESIS_HASH, entryHash } from "./hash.ts";
import { ledgerColumnsOf, type LedgerColumns, type LedgerEntryInput } from "./entry.ts";
import { createCheckpointVerifier, type LedgerCheckpointStatement } from "./checkpoint.ts";
import type { AnchorSink } from "./anchor.ts";

/** What kind of tampering a break shows. */
export type LedgerBreakKind =
  /** An entry's body, hash or columns were changed (with or without recomputing its hash). */
  | "edited"
  /** Entries are missing from the middle of the chain. */
  | "deleted"
  /** Entries that do not belong to the chain were put between two that do. */
  | "inserted"
  /** An entry stands after an entry that chains from it. */
  | "reordered"
  /** The chain ends before a seq that a checkpoint or anchor signed. */
  | "truncated"
  /** The chain holds another hash (or nothing) at a seq a checkpoint or anchor signed. */
  | "contradicts-anchor"
  /** A checkpoint or anchor whose signature does not verify with the gateway's key. */
  | "bad-signature"
  /** A record of an anchor sink that is not an anchor (a crash's partial last line is only a warning). */
  | "damaged-anchor";

/** Every {@link LedgerBreakKind}, in report order. */
export const LEDGER_BREAK_KINDS: readonly LedgerBreakKind[] = [
  "edited",
  "deleted",
  "inserted",
  "reordered",
  "truncated",
  "contradicts-anchor",
  "bad-signature",
  "damaged-anchor",
];

/** One break the verifier found. */
export interface LedgerBreak {
  kind: LedgerBreakKind;
  /** The (first) seq concerned. */
  seq: string;
  /** The last seq of a range (deleted or inserted entries, a run of contradicted anchors). */
  lastSeq?: string;
  reason: string;
  /** The signed head the chain contradicts: where it came from, its seq, hash and time. */
  anchor?: { source: string; seq: string; hash: string; signedAt: string; count?: number };
}

/** Options of {@link verifyLedger}. */
export interface VerifyLedgerOptions {
  /** Entries fetched per round trip. Default 5 000. */
  batchSize?: number;
  /** Called after each batch with the number of entries checked so far. */
  onProgress?: (entries: number) => void;
  /** Anchor sinks to check the chain against (each anchor's signature too). Default none. */
  anchors?: readonly AnchorSink[];
  /** Breaks kept in the result (all are counted). Default 10 000. */
  maxBreaks?: number;
  /**
   * How many entries back a link may point and still be recognised as a reordering or an insertion
   * rather than a deletion; bounds memory. Default 4 096.
   */
  window?: number;
}

/** The result of {@link verifyLedger}. */
export interface LedgerVerification {
  /** True when every entry, checkpoint and anchor checks out. */
  ok: boolean;
  /** Entries walked. */
  entries: number;
  /** The chain's last entry. */
  head?: { seq: string; hash: string };
  /** Every break found (up to `maxBreaks`), in seq order. */
  breaks: LedgerBreak[];
  /** Breaks found, including any beyond `maxBreaks`. */
  breakCount: number;
  /** The first break, by position in the chain (`breaks[0]`). */
  firstBroken?: { seq: string; reason: string };
  /** Checkpoints whose signature verified. */
  checkpoints: number;
  /** The latest checkpoint whose signature verified. */
  checkpoint?: LedgerCheckpointStatement;
  /** Per anchor sink: anchors whose signature verified, the latest of them. */
  anchors: { source: string; anchors: number; latest?: LedgerCheckpointStatement }[];
  /** What is worth knowing but is no break (a crash's partial line in an anchor file). */
  warnings: string[];
}

interface EntryRow {
  seq: string;
  /** `created_at` in microseconds since the epoch, as text: compared exactly, never parsed into a Date. */
  created_us: string;
  body: string;
  prev_hash: string;
  hash: string;
  request_id: string;
  principal: string;
  agreement_id: string | null;
  purpose: string | null;
  outcome: string;
  /** The array columns as JSON text (`array_to_json`): compared as strings, never parsed. */
  subjects: string | null;
  coordinates: string | null;
  denied: string | null;
}

interface CheckpointRow {
  seq: string;
  hash: string;
  signed_at: Date;
  signature: string;
}

/** One walked entry the verifier still remembers (a ring of `window` of them). */
interface Recent {
  seq: bigint;
  hash: string;
  /** Already reported as reordered: breaks of links to or from it are explained. */
  moved: boolean;
  /** The unknown predecessor this entry chains to, while that is unresolved. */
  orphan?: string;
}

/** An entry whose predecessor (by hash) has not been seen. */
interface Orphan {
  seq: bigint;
  /** The entry before it in seq order. */
  prevSeq: bigint;
  /** Its position in the walk. */
  at: number;
}

/**
 * Walks the whole ledger in `seq` order, in batches from a server-side cursor over one snapshot
 * (memory stays flat for any number of entries), and reports EVERY break with its kind, not just
 * the first. Each entry: its hash is sha256(prevHash + body), its body canonical JSON, its columns
 * what the body says ("edited" otherwise). Each link: its prevHash is the previous entry's hash.
 *
 * A broken link is resynchronised by hash rather than by position, so one deletion is one report
 * and the walk goes on checking what follows:
 * - the entry chains to a hash seen up to `window` entries back → the entries between are
 *   "inserted" (unless they were already found reordered);
 * - a later entry turns out to be the predecessor it chains to → "reordered";
 * - its predecessor never appears → "deleted" when seq numbers are missing before it, else the
 *   entry before it was rewritten and rehashed ("edited").
 * Then every signed head — the database's checkpoints and every anchor of `options.anchors` —
 * is checked for its signature and against the chain in the same snapshot: a seq beyond the
 * chain's end is "truncated", another hash or a missing entry is "contradicts-anchor". Runs of
 * contradicted anchors are reported once, with the first anchored seq and hash and their count.
 */
export async function verifyLedger(
  pool: pg.Pool,
  publicKeys: JWK | readonly JWK[],
  options: VerifyLedgerOptions = {},
): Promise<LedgerVerification> {
  const batchSize = options.batchSize ?? 5_000;
  const maxBreaks = options.maxBreaks ?? 10_000;
  const window = options.window ?? 4_096;
  const verifySignature = createCheckpointVerifier(publicKeys);
  const breaks: LedgerBreak[] = [];
  let breakCount = 0;
  const report = (found: LedgerBreak) => {
    breakCount++;
    if (breaks.length < maxBreaks) breaks.push(found);
  };
  // The chain is read in one snapshot, the anchor sinks after it: a gateway still running anchors
  // heads the snapshot cannot see (the verification's own request among them), which would read
  // as a truncated ledger. So each sink is checked up to the newest anchor it held before the
  // snapshot began; anchors are appended in seq order, after their entries committed.
  const bounds = await Promise.all(
    (options.anchors ?? []).map((sink) =>
      sink.latest().then(
        (anchor) => (anchor ? BigInt(anchor.seq) : -1n),
        () => undefined, // reading it fails again below, where it is reported
      ),
    ),
  );
  const client = await pool.connect();
  let reusable = true;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const walk = await walkChain(client, { batchSize, window, report, onProgress: options.onProgress });

    const lastSeq = walk.head ? BigInt(walk.head.seq) : 0n;
    const signedHeads = createSignedHeadChecker(client, lastSeq, verifySignature, report);

    // Checkpoints are few (one per thousand entries or minute): read them all.
    const { rows: checkpointRows } = await client.query<CheckpointRow>(
      "SELECT seq::text AS seq, hash, signed_at, signature FROM governance.ledger_checkpoint AS c ORDER BY c.seq",
    );
    const checkpoints = await signedHeads.check(
      "checkpoint",
      checkpointRows.map((row) => ({ seq: row.seq, hash: row.hash, signedAt: row.signed_at.toISOString(), signature: row.signature })),
    );
    const anchors: LedgerVerification["anchors"] = [];
    const warnings: string[] = [];
    for (const [i, sink] of (options.anchors ?? []).entries()) {
      anchors.push(await checkSink(sink, bounds[i], signedHeads, report, warnings));
    }

    breaks.sort((a, b) => {
      const d = BigInt(a.seq) - BigInt(b.seq);
      return d < 0n ? -1 : d > 0n ? 1 : LEDGER_BREAK_KINDS.indexOf(a.kind) - LEDGER_BREAK_KINDS.indexOf(b.kind);
    });
    const first = breaks[0];
    return {
      ok: breakCount === 0,
      entries: walk.entries,
      head: walk.head,
      breaks,
      breakCount,
      firstBroken: first ? { seq: first.seq, reason: first.reason } : undefined,
      checkpoints: checkpoints.verified,
      checkpoint: checkpoints.latest,
      anchors,
      warnings,
    };
  } catch (error) {
    reusable = false;
    throw error;
  } finally {
    if (reusable) await client.query("ROLLBACK").catch(() => (reusable = false));
    client.release(reusable ? undefined : true);
  }
}

/** The entry walk of {@link verifyLedger}: every entry and link, resynchronising after breaks. */
async function walkChain(
  client: pg.PoolClient,
  options: { batchSize: number; window: number; report: (b: LedgerBreak) => void; onProgress?: (entries: number) => void },
): Promise<{ entries: number; head?: { seq: string; hash: string } }> {
  const { report, window } = options;
  await client.query(
    `DECLARE ledger_walk NO SCROLL CURSOR FOR
     SELECT seq::text AS seq, (extract(epoch FROM created_at) * 1000000)::bigint::text AS created_us, body, prev_hash, hash,
            request_id, principal, agreement_id::text AS agreement_id, purpose, outcome,
            array_to_json(subjects)::text AS subjects, array_to_json(coordinates)::text AS coordinates, array_to_json(denied)::text AS denied
     FROM governance.ledger_entry AS e ORDER BY e.seq`,
  );
  const ring: Recent[] = [];
  /** Walk position of each remembered hash. */
  const positions = new Map<string, number>();
  const orphans = new Map<string, Orphan>();
  let prev = { seq: 0n, hash: GENESIS_HASH };
  let at = 0;
  let head: { seq: string; hash: string } | undefined;

  const settle = (hash: string, orphan: Orphan) => {
    orphans.delete(hash);
    const seq = orphan.seq.toString();
    if (orphan.seq - orphan.prevSeq > 1n) {
      const from = (orphan.prevSeq + 1n).toString();
      const to = (orphan.seq - 1n).toString();
      const count = orphan.seq - orphan.prevSeq - 1n;
      report({
        kind: "deleted",
        seq: from,
        lastSeq: to,
        reason: `${count === 1n ? `entry ${from} is` : `${count} entries (seq ${from}..${to}) are`} missing: entry ${seq} chains to an entry no longer in the ledger`,
      });
    } else if (orphan.prevSeq === 0n) {
      report({ kind: "edited", seq, reason: `the first entry does not start from the genesis hash: its prevHash was rewritten` });
    } else {
      const before = orphan.prevSeq.toString();
      report({
        kind: "edited",
        seq: before,
        reason: `entry ${seq} does not chain to entry ${before}: entry ${before} was rewritten and rehashed (or entries were deleted and the rest renumbered)`,
      });
    }
  };

  const fetchBatch = () => client.query<EntryRow>(`FETCH ${options.batchSize} FROM ledger_walk`);
  // One batch ahead: PostgreSQL reads and sends the next batch while this one is checked.
  let pending = fetchBatch();
  pending.catch(() => undefined);
  for (;;) {
    const { rows } = await pending;
    const more = rows.length === options.batchSize;
    if (more) {
      pending = fetchBatch();
      // Awaited on the next turn; should checking this batch throw first, it must not go unhandled.
      pending.catch(() => undefined);
    }
    for (const row of rows) {
      const seq = BigInt(row.seq);
      const problem = entryProblem(row);
      if (problem) report({ kind: "edited", seq: row.seq, reason: problem });

      const entry: Recent = { seq, hash: row.hash, moved: false };
      const waiting = orphans.get(row.hash);
      if (waiting) {
        orphans.delete(row.hash);
        const waiter = ring[waiting.at % window];
        if (waiter && waiter.seq === waiting.seq) waiter.orphan = undefined;
        if (row.prev_hash !== prev.hash) {
          entry.moved = true;
          report({
            kind: "reordered",
            seq: row.seq,
            reason: `entry ${row.seq} comes after entry ${waiting.seq}, which chains from it: entries were reordered`,
          });
        } else {
          if (waiter && waiter.seq === waiting.seq) waiter.moved = true;
          report({
            kind: "reordered",
            seq: waiting.seq.toString(),
            reason: `entry ${waiting.seq} chains from entry ${row.seq}, which comes after it: entries were reordered`,
          });
        }
      }
      if (!entry.moved && row.prev_hash !== prev.hash) {
        const from = positions.get(row.prev_hash);
        if (from !== undefined && at - from <= window) {
          // It chains to an entry a little way back: those between are not part of the chain.
          const unexplained: Recent[] = [];
          if (!ring[from % window]!.moved) {
            for (let i = from + 1; i < at; i++) {
              const between = ring[i % window]!;
              if (between.moved) continue;
              unexplained.push(between);
              if (between.orphan) orphans.delete(between.orphan);
            }
          }
          if (unexplained.length) {
            const first = unexplained[0]!.seq.toString();
            const last = unexplained.at(-1)!.seq.toString();
            report({
              kind: "inserted",
              seq: first,
              lastSeq: last,
              reason: `${unexplained.length === 1 ? `entry ${first} does` : `${unexplained.length} entries (seq ${first}..${last}) do`} not belong to the chain: entry ${row.seq} chains to entry ${ring[from % window]!.seq} before them`,
            });
          }
        } else {
          orphans.set(row.prev_hash, { seq, prevSeq: prev.seq, at });
          entry.orphan = row.prev_hash;
        }
      }

      const evicted = ring[at % window];
      if (evicted && positions.get(evicted.hash) === at - window) positions.delete(evicted.hash);
      ring[at % window] = entry;
      positions.set(row.hash, at);
      prev = { seq, hash: row.hash };
      head = { seq: row.seq, hash: row.hash };
      at++;
      // Predecessors not seen within the window are gone (Map iterates in insertion order).
      for (const [hash, orphan] of orphans) {
        if (at - orphan.at <= window) break;
        settle(hash, orphan);
      }
    }
    options.onProgress?.(at);
    if (!more) break;
  }
  for (const [hash, orphan] of orphans) settle(hash, orphan);
  return { entries: at, head };
}

/** What is wrong with one entry on its own (hash, canonical body, columns), or undefined. */
function entryProblem(row: EntryRow): string | undefined {
  if (row.hash !== entryHash(row.prev_hash, row.body)) return "hash does not match sha256(prevHash + body): the entry was modified";
  let columns: LedgerColumns;
  try {
    const parsed = JSON.parse(row.body) as LedgerEntryInput;
    if (!isCanonicalJsonOf(row.body, parsed)) return "the body is not canonical JSON";
    columns = ledgerColumnsOf(parsed);
  } catch {
    return "the body is not a ledger entry";
  }
  const differing = differingColumn(row, columns);
  return differing ? `column ${differing} differs from the entry's body: the row was edited` : undefined;
}

/** A signed head to check: a checkpoint row or an anchor. */
type SignedHead = LedgerCheckpointStatement & { signature: string };

/**
 * Checks signed heads against the chain in the walk's snapshot, in batches of point look-ups (so
 * anchors need not be sorted and memory stays flat), coalescing runs of the same contradiction.
 */
function createSignedHeadChecker(
  client: pg.PoolClient,
  lastSeq: bigint,
  verifySignature: ReturnType<typeof createCheckpointVerifier>,
  report: (b: LedgerBreak) => void,
) {
  return {
    async check(source: string, heads: readonly SignedHead[]): Promise<{ verified: number; latest?: LedgerCheckpointStatement }> {
      let verified = 0;
      let latest: LedgerCheckpointStatement | undefined;
      const good: SignedHead[] = [];
      for (const head of heads) {
        const statement = { seq: head.seq, hash: head.hash, signedAt: head.signedAt };
        const problem = await verifySignature(statement, head.signature);
        if (problem !== null) {
          report({ kind: "bad-signature", seq: head.seq, reason: `${source} of seq ${head.seq}: ${problem}`, anchor: { source, ...statement } });
          continue;
        }
        verified++;
        if (!latest || BigInt(head.seq) > BigInt(latest.seq)) latest = statement;
        good.push(head);
      }
      good.sort((a, b) => (BigInt(a.seq) < BigInt(b.seq) ? -1 : BigInt(a.seq) > BigInt(b.seq) ? 1 : 0));
      const { rows } = await client.query<{ seq: string; hash: string }>(
        "SELECT seq::text AS seq, hash FROM governance.ledger_entry WHERE seq = ANY($1::bigint[])",
        [[...new Set(good.map((h) => h.seq))]],
      );
      const held = new Map(rows.map((r) => [r.seq, r.hash]));
      let run: { kind: LedgerBreakKind; first: SignedHead; last: SignedHead; count: number } | undefined;
      const flush = () => {
        if (!run) return;
        const { kind, first, last, count } = run;
        const what = `${source === "checkpoint" ? "checkpoint" : "anchor"} of seq ${first.seq} (hash ${first.hash.slice(0, 16)}…, signed ${first.signedAt})`;
        const more = count > 1 ? ` and ${count - 1} later ${source === "checkpoint" ? "checkpoints" : "anchors"} up to seq ${last.seq}` : "";
        const reason =
          kind === "truncated"
            ? `the ledger ends at seq ${lastSeq}, before the ${what}${more} in ${source}: entries were removed from its end`
            : held.has(first.seq)
              ? `the chain holds another hash at seq ${first.seq} than the ${what}${more} in ${source}: the chain was rewritten`
              : `entry ${first.seq}, signed in the ${what}${more} in ${source}, is missing: entries were deleted`;
        report({
          kind,
          seq: first.seq,
          lastSeq: count > 1 ? last.seq : undefined,
          reason,
          anchor: { source, seq: first.seq, hash: first.hash, signedAt: first.signedAt, ...(count > 1 ? { count } : {}) },
        });
        run = undefined;
      };
      for (const head of good) {
        const hash = held.get(head.seq);
        const kind: LedgerBreakKind | undefined =
          hash === head.hash ? undefined : hash === undefined && BigInt(head.seq) > lastSeq ? "truncated" : "contradicts-anchor";
        if (!kind) {
          flush();
          continue;
        }
        if (run && run.kind === kind && (kind === "truncated" || !held.has(head.seq) === !held.has(run.first.seq))) {
          run.last = head;
          run.count++;
        } else {
          flush();
          run = { kind, first: head, last: head, count: 1 };
        }
      }
      flush();
      return { verified, latest };
    },
  };
}

/** Checks one sink's anchors in batches; damaged records are breaks, a crash's fragment a warning. */
async function checkSink(
  sink: AnchorSink,
  /** The highest seq anchored before the snapshot; later anchors are skipped. Undefined: check all. */
  bound: bigint | undefined,
  signedHeads: ReturnType<typeof createSignedHeadChecker>,
  report: (b: LedgerBreak) => void,
  warnings: string[],
): Promise<LedgerVerification["anchors"][number]> {
  const BATCH = 5_000;
  let batch: SignedHead[] = [];
  let anchors = 0;
  let latest: LedgerCheckpointStatement | undefined;
  const run = async () => {
    const checked = await signedHeads.check(sink.name, batch);
    anchors += checked.verified;
    if (checked.latest && (!latest || BigInt(checked.latest.seq) > BigInt(latest.seq))) latest = checked.latest;
    batch = [];
  };
  for await (const record of sink.read()) {
    if (record.kind === "damaged") {
      if (record.problem.startsWith("a partial last line")) warnings.push(`${record.where}: ${record.problem}`);
      else report({ kind: "damaged-anchor", seq: "0", reason: `${record.where}: ${record.problem}` });
      continue;
    }
    if (bound !== undefined && BigInt(record.anchor.seq) > bound) continue;
    batch.push(record.anchor);
    if (batch.length >= BATCH) await run();
  }
  if (batch.length) await run();
  return { source: sink.name, anchors, latest };
}

/**
 * The first query column of `row` that does not say what the body says, or undefined. Times and
 * arrays come as text and are compared as text: parsing them into Dates and arrays was a tenth of
 * verify's time, and its garbage much of the rest.
 */
function differingColumn(row: EntryRow, c: LedgerColumns): string | undefined {
  if (row.created_us !== `${Date.parse(c.createdAt)}000`) return "created_at";
  if (row.request_id !== c.requestId) return "request_id";
  if (row.principal !== c.principal) return "principal";
  if (row.agreement_id !== c.agreementId) return "agreement_id";
  if (row.purpose !== c.purpose) return "purpose";
  if (row.outcome !== c.outcome) return "outcome";
  if (row.subjects !== JSON.stringify(c.subjects)) return "subjects";
  if (row.coordinates !== JSON.stringify(c.coordinates)) return "coordinates";
  if (row.denied !== JSON.stringify(c.denied)) return "denied";
  return undefined;
}
