import type pg from "pg";
import { assertQuotaAmounts, expiryOf, type QuotaStore } from "./quota-store.ts";

/**
 * One statement decides and counts: the insert runs only when the amount fits an empty window,
 * and the conflict update only when the new total stays within the limit. PostgreSQL locks the
 * conflicting row and re-checks the update's WHERE on its latest version, so concurrent takes at
 * any number of gateways serialize on that row and never pass the limit together. No row back
 * means refused.
 */
const TAKE = `
  INSERT INTO governance.quota_usage AS q (agreement_id, kind, "window", count, expires_at)
  SELECT $1, $2, $3, $4, $5 WHERE $4::bigint <= $6::bigint
  ON CONFLICT (agreement_id, kind, "window") DO UPDATE SET count = q.count + EXCLUDED.count
    WHERE q.count + EXCLUDED.count <= $6::bigint
  RETURNING count`;

const READ = `SELECT count FROM governance.quota_usage WHERE agreement_id = $1 AND kind = $2 AND "window" = $3`;

/**
 * Quota counters in PostgreSQL (`governance.quota_usage`), for deployments without Redis: one
 * conditional upsert per take, atomic across gateway instances; expired windows are swept now and
 * then.
 */
export function createPostgresQuotaStore(pool: pg.Pool): QuotaStore {
  let takes = 0;
  const read = async (window: Parameters<QuotaStore["read"]>[0]) => {
    const { rows } = await pool.query<{ count: string }>(READ, [window.agreementId, window.kind, window.start]);
    return Number(rows[0]?.count ?? 0);
  };
  return {
    async take(window, amount, limit) {
      assertQuotaAmounts(amount, limit);
      if (++takes % 1_000 === 0) {
        void pool.query("DELETE FROM governance.quota_usage WHERE expires_at < now()").catch(() => undefined);
      }
      const { rows } = await pool.query<{ count: string }>(TAKE, [
        window.agreementId,
        window.kind,
        window.start,
        amount,
        expiryOf(window),
        limit,
      ]);
      return rows[0] ? { kind: "taken", used: Number(rows[0].count) } : { kind: "refused", used: await read(window) };
    },
    read,
    async close() {},
  };
}
