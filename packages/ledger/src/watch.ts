import type pg from "pg";
import type { Logger } from "@citygraph/core";

/** The request id prefix of an operator's acknowledgement entry (`citygraph audit acknowledge`). */
export const ACKNOWLEDGE_REQUEST_PREFIX = "ledger-acknowledge:";

/** A chain head: the entry's seq (decimal) and hash. */
export interface ChainHead {
  seq: string;
  hash: string;
}

/** What the watch found: the head it expected the chain to extend, and what the chain holds there. */
export interface LedgerCompromise {
  /** ISO instant of detection. */
  detectedAt: string;
  /** "regression": the chain no longer reaches `expected.seq`; "fork": it holds another hash there. */
  kind: "regression" | "fork";
  expected: ChainHead;
  /** The chain's head when it was noticed (null: empty). */
  found: ChainHead | null;
  /** The hash the chain holds at `expected.seq`, for a fork. */
  foundHash?: string;
}

/** The watchful writer's state; see {@link createLedgerWatch}. */
export interface LedgerWatch {
  /** Run by the writer under the ledger lock, with the head it just read, before it writes. */
  beforeWrite(client: pg.ClientBase, head: ChainHead | null): Promise<void>;
  /** Run by the writer after COMMIT with the head it committed. */
  afterCommit(head: ChainHead): void;
  /** The same check outside a write (`/readyz`), on a pool; also notices an acknowledgement. */
  refresh(pool: pg.Pool): Promise<void>;
  /** Set while the chain does not extend what this gateway committed, until acknowledged. */
  compromise(): LedgerCompromise | undefined;
  /** Breaks noticed since start (a counter for metrics). */
  breaches(): number;
  /** The head this gateway last committed or adopted. */
  expected(): ChainHead | undefined;
}

/**
 * The watchful writer: remembers the last head this gateway committed (or, at start-up, the
 * newest published anchor) and, before each commit, checks that the database's chain still
 * extends it — its head is that entry, or later entries (other gateway instances share the chain)
 * with the entry at that seq still holding that hash. A regression (entries gone) or fork (another
 * hash) is logged at error level, counted, and makes {@link LedgerWatch.compromise} return the
 * evidence until an operator's acknowledgement entry appears after it in the chain; then the
 * current head becomes the new expectation. Writing continues meanwhile: the ledger still records.
 */
export function createLedgerWatch(options: { log: Logger; initial?: ChainHead }): LedgerWatch {
  const { log } = options;
  let expected: ChainHead | undefined = options.initial;
  let compromised: (LedgerCompromise & { headSeq: string }) | undefined;
  let breaches = 0;

  async function hashAt(client: pg.ClientBase | pg.Pool, seq: string): Promise<string | undefined> {
    const { rows } = await client.query<{ hash: string }>("SELECT hash FROM governance.ledger_entry WHERE seq = $1", [seq]);
    return rows[0]?.hash;
  }

  async function check(client: pg.ClientBase | pg.Pool, head: ChainHead | null): Promise<void> {
    if (compromised) {
      const { rows } = await client.query<{ seq: string }>(
        `SELECT seq::text AS seq FROM governance.ledger_entry WHERE seq > $1 AND request_id LIKE '${ACKNOWLEDGE_REQUEST_PREFIX}%' ORDER BY ledger_entry.seq DESC LIMIT 1`,
        [compromised.headSeq],
      );
      if (rows[0]) {
        log.warn("ledger break acknowledged by an operator; personal data flows again", { acknowledgedAt: rows[0].seq, expected: compromised.expected });
        compromised = undefined;
        expected = head ?? undefined;
      }
      return;
    }
    const mine = expected;
    if (!mine) {
      expected = head ?? undefined;
      return;
    }
    let kind: LedgerCompromise["kind"] | undefined;
    let foundHash: string | undefined;
    if (head === null || BigInt(head.seq) < BigInt(mine.seq)) kind = "regression";
    else if (head.seq === mine.seq) {
      if (head.hash !== mine.hash) [kind, foundHash] = ["fork", head.hash];
    } else {
      foundHash = await hashAt(client, mine.seq);
      if (foundHash === undefined) kind = "regression";
      else if (foundHash !== mine.hash) kind = "fork";
    }
    if (!kind) return;
    breaches++;
    compromised = { detectedAt: new Date().toISOString(), kind, expected: mine, found: head, foundHash, headSeq: head?.seq ?? "0" };
    log.error("ACCESS LEDGER COMPROMISED: the chain no longer extends the head this gateway committed; personal data is withheld until `citygraph audit acknowledge`", {
      kind,
      expectedSeq: mine.seq,
      expectedHash: mine.hash,
      foundSeq: head?.seq ?? null,
      foundHash: foundHash ?? head?.hash ?? null,
    });
  }

  return {
    beforeWrite: (client, head) => check(client, head),
    afterCommit(head) {
      if (!compromised) expected = head;
    },
    async refresh(pool) {
      const { rows } = await pool.query<{ seq: string; hash: string }>(
        "SELECT seq::text AS seq, hash FROM governance.ledger_entry AS e ORDER BY e.seq DESC LIMIT 1",
      );
      await check(pool, rows[0] ?? null);
    },
    compromise: () => {
      if (!compromised) return undefined;
      const { headSeq: _headSeq, ...evidence } = compromised;
      return evidence;
    },
    breaches: () => breaches,
    expected: () => expected,
  };
}
