import type { JWK } from "jose";
import type { Logger } from "@citygraph/core";
import { createAnchorSigner, type AnchorSink, type LedgerAnchor } from "./anchor.ts";

/** Options of {@link createAnchorPublisher}. */
export interface AnchorPublisherOptions {
  /** Where anchors go; the publisher closes them. At least one. */
  sinks: readonly AnchorSink[];
  /** The gateway's private ES256 JWK with `kid` (the checkpoint key). */
  signingKey: JWK;
  /** A sink that failed is retried with the newest head after this long, ms. Default 5 000. */
  retryMs?: number;
  log: Logger;
}

/** One sink's state, for `/readyz`, metrics and the console. */
export interface AnchorSinkStatus {
  name: string;
  /** Whether its last append succeeded (true before the first). */
  ok: boolean;
  published: number;
  failures: number;
  /** The last anchor it holds from this process. */
  last?: { seq: string; hash: string; signedAt: string };
}

/** Counters of the publisher. */
export interface AnchorPublisherStats {
  /** Anchors signed and handed to the sinks. */
  signed: number;
  /** Failed appends, all sinks together. */
  failures: number;
  sinks: AnchorSinkStatus[];
}

/** Publishes chain heads as signed anchors; see {@link createAnchorPublisher}. */
export interface AnchorPublisher {
  /** Queues the head a group commit just committed. Never waits, never throws (the hot path calls it). */
  publish(head: { seq: string; hash: string }): void;
  /** Resolves when every head queued before the call is in every sink that accepts it. */
  flush(): Promise<void>;
  /** The newest anchor any sink holds (read at start-up: the head this gateway must find extended). */
  latest(): Promise<LedgerAnchor | undefined>;
  stats(): AnchorPublisherStats;
  /** Flushes, then closes the sinks. */
  close(): Promise<void>;
}

/**
 * Signs the chain head after each group commit and appends it to every sink, off the request path:
 * no request waits for a sink. While one append is in flight, heads committed meanwhile coalesce
 * into the newest (it chains over all of them, so nothing is left unanchored; under light load
 * that is exactly one anchor per group commit, under heavy load one per sink write).
 *
 * A sink failure is logged at error level, counted, shown in `/readyz`, and retried with the
 * newest head; it does NOT make personal data fail closed. The anchors protect entries already
 * committed: a sink outage removes no entry from the database and no past anchor from the sink,
 * and the watchful writer still guards the live chain, so refusing personal data would only hand
 * whoever can break the sink (fill its disk, cut its network) a way to stop the city's services.
 */
export function createAnchorPublisher(options: AnchorPublisherOptions): AnchorPublisher {
  const { sinks, log } = options;
  if (sinks.length === 0) throw new TypeError("The anchor publisher needs at least one sink.");
  const retryMs = options.retryMs ?? 5_000;
  const signer = createAnchorSigner(options.signingKey);
  signer.catch(() => undefined);
  const states = sinks.map((sink) => ({
    sink,
    status: { name: sink.name, ok: true, published: 0, failures: 0 } as AnchorSinkStatus,
    /** The newest head this sink has not got yet. */
    wanted: undefined as { seq: string; hash: string } | undefined,
    running: undefined as Promise<void> | undefined,
    retry: undefined as NodeJS.Timeout | undefined,
  }));
  let signed = 0;
  let failures = 0;
  /** One signature per head, shared by the sinks. */
  let lastSigned: Promise<LedgerAnchor> | undefined;
  let lastSignedSeq: string | undefined;

  const anchorFor = (head: { seq: string; hash: string }): Promise<LedgerAnchor> => {
    if (lastSigned && lastSignedSeq === head.seq) return lastSigned;
    lastSignedSeq = head.seq;
    lastSigned = signer.then((sign) => sign(head));
    signed++;
    return lastSigned;
  };

  function pump(state: (typeof states)[number]): void {
    if (state.running || !state.wanted) return;
    const head = state.wanted;
    state.wanted = undefined;
    state.running = (async () => {
      try {
        const anchor = await anchorFor(head);
        await state.sink.append([anchor]);
        state.status.ok = true;
        state.status.published++;
        state.status.last = { seq: anchor.seq, hash: anchor.hash, signedAt: anchor.signedAt };
      } catch (error) {
        failures++;
        state.status.ok = false;
        state.status.failures++;
        log.error("ledger anchor could not be published", { sink: state.sink.name, seq: head.seq, error: String(error) });
        // Retry later with whatever is newest by then (a newer head supersedes this one).
        if (!state.wanted || BigInt(state.wanted.seq) < BigInt(head.seq)) state.wanted = head;
        clearTimeout(state.retry);
        state.retry = setTimeout(() => pump(state), retryMs);
        state.retry.unref();
        return;
      } finally {
        state.running = undefined;
      }
      pump(state);
    })();
  }

  return {
    publish(head) {
      for (const state of states) {
        // A transaction that only wrote a checkpoint leaves the head as it was.
        if (state.status.last?.seq === head.seq) continue;
        if (!state.wanted || BigInt(state.wanted.seq) < BigInt(head.seq)) state.wanted = head;
        pump(state);
      }
    },
    async flush() {
      for (const state of states) {
        // Until the sink is idle, or only a failed head waits for its retry.
        while (state.running || (state.wanted && state.status.ok)) {
          pump(state);
          await state.running;
        }
      }
    },
    async latest() {
      let best: LedgerAnchor | undefined;
      for (const { sink } of states) {
        const anchor = await sink.latest().catch((error: unknown) => {
          log.error("ledger anchor sink unreadable", { sink: sink.name, error: String(error) });
          return undefined;
        });
        if (anchor && (!best || BigInt(anchor.seq) > BigInt(best.seq))) best = anchor;
      }
      return best;
    },
    stats: () => ({ signed, failures, sinks: states.map((s) => ({ ...s.status })) }),
    async close() {
      await this.flush();
      for (const state of states) {
        clearTimeout(state.retry);
        await state.sink.close().catch(() => undefined);
      }
    },
  };
}
