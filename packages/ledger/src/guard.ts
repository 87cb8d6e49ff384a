import type pg from "pg";
import type { JWK } from "jose";
import type { Logger } from "@citygraph/core";
import { createAnchorVerifier, type AnchorSink } from "./anchor.ts";
import { createAnchorPublisher, type AnchorPublisherStats } from "./anchor-publisher.ts";
import { createLedgerWatch, type LedgerCompromise, type LedgerWatch } from "./watch.ts";
import type { LedgerHooks } from "./writer.ts";

/** What `/readyz` and the console show of the ledger. */
export interface LedgerGuardStatus {
  /** "ok", or "compromised" while a break awaits `citygraph audit acknowledge`. */
  status: "ok" | "compromised";
  /** The head this gateway last committed or adopted. */
  head?: { seq: string; hash: string };
  compromise?: LedgerCompromise;
  /** Breaks noticed since start. */
  breaches: number;
  anchors: AnchorPublisherStats;
}

/** The watchful writer and the anchor publisher of one gateway; see {@link createLedgerGuard}. */
export interface LedgerGuard {
  /** Give these to `createLedger`. */
  hooks: LedgerHooks;
  watch: LedgerWatch;
  /** Re-checks the chain outside a write (also picks up an acknowledgement), then reports. */
  status(pool: pg.Pool): Promise<LedgerGuardStatus>;
  /** Whether personal data must be withheld: the chain does not extend what was committed. */
  compromised(): boolean;
  close(): Promise<void>;
}

/**
 * Builds the guard of the chain: reads the newest published anchor as the head the database must
 * still extend (so a tail deleted while the gateway was down is noticed on its first write), then
 * checks before each write and publishes a signed anchor after each commit.
 */
export async function createLedgerGuard(options: { sinks: readonly AnchorSink[]; signingKey: JWK; log: Logger }): Promise<LedgerGuard> {
  const publisher = options.sinks.length ? createAnchorPublisher({ sinks: options.sinks, signingKey: options.signingKey, log: options.log }) : undefined;
  let latest = await publisher?.latest();
  // Only a genuine anchor sets what the chain must extend: a forged one would only raise a false alarm.
  const problem = latest ? await createAnchorVerifier(options.signingKey)(latest) : null;
  if (latest && problem) {
    options.log.error("the newest ledger anchor does not verify; not used as the expected head", { seq: latest.seq, problem });
    latest = undefined;
  }
  const watch = createLedgerWatch({ log: options.log, initial: latest ? { seq: latest.seq, hash: latest.hash } : undefined });
  const report = (): LedgerGuardStatus => {
    const compromise = watch.compromise();
    return {
      status: compromise ? "compromised" : "ok",
      head: watch.expected(),
      compromise,
      breaches: watch.breaches(),
      anchors: publisher?.stats() ?? { signed: 0, failures: 0, sinks: [] },
    };
  };
  return {
    hooks: {
      beforeWrite: (client, head) => watch.beforeWrite(client, head),
      afterCommit(head) {
        watch.afterCommit(head);
        // While compromised, the newest anchor stays the head the chain broke from: a restart
        // notices the break again instead of taking the rewritten chain for the truth.
        if (!watch.compromise()) publisher?.publish(head);
      },
    },
    watch,
    async status(pool) {
      await watch.refresh(pool).catch((error: unknown) => options.log.warn("ledger head unreadable", { error: String(error) }));
      return report();
    },
    compromised: () => watch.compromise() !== undefined,
    close: async () => {
      await publisher?.close();
    },
  };
}
