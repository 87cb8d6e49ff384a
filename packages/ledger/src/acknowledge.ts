import { randomUUID } from "node:crypto";
import pg from "pg";
import type { JWK } from "jose";
import type { Logger } from "@citygraph/core";
import type { AnchorSink } from "./anchor.ts";
import { createAnchorPublisher } from "./anchor-publisher.ts";
import { createLedgerGuard } from "./guard.ts";
import { createLedgerPool } from "./pool.ts";
import { ACKNOWLEDGE_REQUEST_PREFIX, type ChainHead, type LedgerCompromise } from "./watch.ts";
import { createLedger } from "./writer.ts";

/** What {@link acknowledgeLedgerBreak} recorded and found. */
export interface LedgerAcknowledgement {
  requestId: string;
  /** The acknowledgement entry's seq. */
  seq: string;
  /** The break the newest anchor shows, if the chain does not extend it. */
  compromise?: LedgerCompromise;
  /** The newest anchor, when the chain extends it. */
  anchored?: ChainHead;
}

/**
 * `citygraph audit acknowledge`: appends an operator's acknowledgement of a break to the ledger
 * (request id `ledger-acknowledge:<uuid>`, the operator as principal, the reason as purpose)
 * through the ledger writer, so it is chained and checkpointed like any entry. Gateways that
 * found the chain compromised see it after their break and serve personal data again; the new
 * head is published as an anchor, so later checks start from the chain as acknowledged. The
 * earlier anchors stay: verify keeps reporting what they contradict.
 */
export async function acknowledgeLedgerBreak(options: {
  pool: pg.Pool;
  /** The governance database (the writer acts as `citygraph_gateway`). */
  url: string;
  operator: string;
  /** At most 256 characters. */
  reason: string;
  signingKey: JWK;
  /** The configured anchor sinks; closed when done. */
  sinks: readonly AnchorSink[];
  log: Logger;
}): Promise<LedgerAcknowledgement> {
  const { signingKey, sinks, log } = options;
  const guard = await createLedgerGuard({ sinks, signingKey, log });
  const writerPool = createLedgerPool(options.url);
  try {
    const anchored = guard.watch.expected();
    const ledger = createLedger({ pool: writerPool, signingKey, hooks: guard.hooks, log });
    const requestId = `${ACKNOWLEDGE_REQUEST_PREFIX}${randomUUID()}`;
    await ledger.append({
      time: new Date().toISOString(),
      requestId,
      principal: { kind: "user", subject: options.operator },
      purpose: options.reason,
      operationName: "audit.acknowledge",
      fields: [],
      subjects: [],
      rowCount: 0,
      outcome: "allowed",
      latencyMs: 0,
    });
    await ledger.flush();
    // Read before close(): its checkpoint's write already sees this acknowledgement and clears it.
    const compromise = guard.watch.compromise();
    await ledger.close();
    const { rows } = await options.pool.query<ChainHead>(
      "SELECT seq::text AS seq, hash FROM governance.ledger_entry WHERE request_id = $1",
      [requestId],
    );
    const head = rows[0]!;
    // While compromised the guard publishes nothing; this entry is the operator's acceptance of
    // the chain as it is now, so its head becomes the anchor later checks start from.
    if (compromise && sinks.length) {
      const publisher = createAnchorPublisher({ sinks, signingKey, log });
      publisher.publish(head);
      await publisher.flush();
    }
    return { requestId, seq: head.seq, compromise, anchored: compromise ? undefined : anchored };
  } finally {
    await guard.close();
    await writerPool.end();
  }
}
