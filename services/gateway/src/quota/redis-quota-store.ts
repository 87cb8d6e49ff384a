import { Redis } from "ioredis";
import { assertQuotaAmounts, expiryOf, type QuotaStore, type QuotaWindow } from "./quota-store.ts";

const key = (w: QuotaWindow) => `citygraph:quota:${w.agreementId}:${w.kind}:${w.start.getTime()}`;

/**
 * Check and add in one Lua script: Redis runs a script without interleaving any other command, so
 * concurrent takes from every gateway instance see each other's totals. Returns
 * `{ 1, total }` when taken, `{ 0, total }` when refused (nothing changed).
 * KEYS[1] counter; ARGV amount, limit, expiry (Unix ms).
 */
const TAKE = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local amount = tonumber(ARGV[1])
if used + amount > tonumber(ARGV[2]) then return {0, used} end
used = redis.call('INCRBY', KEYS[1], amount)
redis.call('PEXPIREAT', KEYS[1], ARGV[3])
return {1, used}`;

/** Quota counters in Redis (`REDIS_URL`), each expiring one window past the window's end. */
export function createRedisQuotaStore(url: string): QuotaStore {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // Connection errors surface on the commands that need it; the client reconnects by itself.
  redis.on("error", () => undefined);
  // EVALSHA with a fallback to EVAL, so the script's text crosses the network once per connection.
  redis.defineCommand("citygraphQuotaTake", { numberOfKeys: 1, lua: TAKE });
  const take = (redis as unknown as { citygraphQuotaTake(k: string, amount: number, limit: number, expiry: number): Promise<[number, number]> })
    .citygraphQuotaTake.bind(redis);
  return {
    async take(window, amount, limit) {
      assertQuotaAmounts(amount, limit);
      const [taken, used] = await take(key(window), amount, limit, expiryOf(window).getTime());
      return { kind: taken === 1 ? "taken" : "refused", used: Number(used) };
    },
    async read(window) {
      return Number((await redis.get(key(window))) ?? 0);
    },
    async close() {
      redis.disconnect();
    },
  };
}
