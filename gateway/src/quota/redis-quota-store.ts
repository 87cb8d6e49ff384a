import { Redis } from "ioredis";
import type { QuotaStore, QuotaWindow } from "./quota-store.ts";

const key = (w: QuotaWindow) => `citygraph:quota:${w.agreementId}:${w.kind}:${w.start.getTime()}`;

/** Quota counters in Redis (`REDIS_URL`): INCRBY with an expiry one window past the window's end. */
export function createRedisQuotaStore(url: string): QuotaStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // Connection errors surface on the commands that need it; the client reconnects by itself.
  redis.on("error", () => undefined);
  return {
    async add(window, amount) {
      const ttl = Math.ceil((window.start.getTime() + 2 * window.lengthMs - Date.now()) / 1000);
      const [[incrError, total] = [], [expireError] = []] = (await redis
        .multi()
        .incrby(key(window), amount)
        .expire(key(window), Math.max(ttl, 1))
        .exec()) as [Error | null, unknown][];
      if (incrError || expireError) throw incrError ?? expireError;
      return Number(total);
    },
    async read(window) {
      return Number((await redis.get(key(window))) ?? 0);
    },
    async close() {
      redis.disconnect();
    },
  };
}
