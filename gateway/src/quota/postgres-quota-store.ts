import type pg from "pg";
import type { QuotaStore } from "./quota-store.ts";

/**
 * Quota counters in PostgreSQL (`governance.quota_usage`), for deployments without Redis: one
 * upsert per hit, atomic across gateway instances; expired windows are swept now and then.
 */
export function createPostgresQuotaStore(pool: pg.Pool): QuotaStore {
  let hits = 0;
  return {
    async add(window, amount) {
      if (++hits % 1_000 === 0) {
        void pool.query("DELETE FROM governance.quota_usage WHERE expires_at < now()").catch(() => undefined);
      }
      const { rows } = await pool.query<{ count: string }>(
        `INSERT INTO governance.quota_usage (agreement_id, kind, "window", count, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (agreement_id, kind, "window") DO UPDATE SET count = governance.quota_usage.count + EXCLUDED.count
         RETURNING count`,
        [window.agreementId, window.kind, window.start, amount, new Date(window.start.getTime() + 2 * window.lengthMs)],
      );
      return Number(rows[0]!.count);
    },
    async read(window) {
      const { rows } = await pool.query<{ count: string }>(
        `SELECT count FROM governance.quota_usage WHERE agreement_id = $1 AND kind = $2 AND "window" = $3`,
        [window.agreementId, window.kind, window.start],
      );
      return Number(rows[0]?.count ?? 0);
    },
    async close() {},
  };
}
