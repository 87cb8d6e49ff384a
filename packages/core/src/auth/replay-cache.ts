import pg from "pg";
import { Redis } from "ioredis";
import DataLoader from "dataloader";

/** One token id to record as used until its expiry (epoch milliseconds). */
interface Claim {
  tokenId: string;
  expiresAtMs: number;
}

/** Most claims one INSERT of the PostgreSQL store carries. */
const MAX_CLAIMS_PER_STATEMENT = 256;

/**
 * Remembers which gateway token ids a subgraph has accepted, for every instance of that subgraph
 * at once (never one process's memory: a token replayed at another instance must fail too).
 */
export interface ReplayCache {
  /**
   * Records `tokenId` as used until `expiresAtMs` (epoch milliseconds; after that the token itself
   * is refused as expired). True on its first use, false on every later one; rejects when the store
   * cannot answer, and the caller then refuses the request (fail closed).
   */
  claim(tokenId: string, expiresAtMs: number): Promise<boolean>;
  /** Whether the store answers now (for `/readyz`): false rather than a rejection. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

/** Options of {@link createReplayCache}. */
export interface ReplayCacheOptions {
  /** The subgraph: its PostgreSQL schema holds the table, and it prefixes Redis keys. */
  subgraph: string;
  /** The subgraph's database (`<subgraph>.gateway_token_use`, created by its migrations). */
  databaseUrl: string;
  /** Redis (`REDIS_URL`): when set, token ids live there (`SET NX PX`) instead of PostgreSQL. */
  redisUrl?: string;
  /** How often expired rows are deleted from PostgreSQL, milliseconds. Default 60 000. */
  cleanupIntervalMs?: number;
}

/** The replay cache of one subgraph: Redis when configured, else its own PostgreSQL table. */
export function createReplayCache(options: ReplayCacheOptions): ReplayCache {
  return options.redisUrl ? createRedisReplayCache(options.redisUrl, options.subgraph) : createPostgresReplayCache(options);
}

/** Token ids in Redis: one `SET key 1 NX PX <ms until expiry>` per request, which is atomic. */
export function createRedisReplayCache(url: string, subgraph: string): ReplayCache {
  const redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
  // Connection errors surface on the commands that need it; the client reconnects by itself.
  redis.on("error", () => undefined);
  return {
    async claim(tokenId, expiresAtMs) {
      const ttl = Math.max(Math.ceil(expiresAtMs - Date.now()), 1);
      return (await redis.set(`citygraph:gateway-token:${subgraph}:${tokenId}`, "1", "PX", ttl, "NX")) === "OK";
    },
    async ready() {
      // Not queued while disconnected: a probe must answer now.
      if (redis.status !== "ready") return false;
      return (await redis.ping().catch(() => undefined)) === "PONG";
    },
    async close() {
      redis.disconnect();
    },
  };
}

/**
 * Token ids in PostgreSQL: `INSERT … ON CONFLICT DO NOTHING` into `<subgraph>.gateway_token_use`
 * (one row per accepted token; the primary key makes the first insert win across instances), and
 * a periodic delete of expired rows. It has its own two-connection pool, apart from the subgraph's
 * Prisma pool, so the SQL statements the subgraph counts per request (`/metrics`, the batching
 * tests) stay those of its resolvers.
 */
export function createPostgresReplayCache(options: Omit<ReplayCacheOptions, "redisUrl">): ReplayCache {
  if (!/^[a-z][a-z0-9_]*$/.test(options.subgraph)) throw new Error(`not a schema name: ${options.subgraph}`);
  const table = `"${options.subgraph}".gateway_token_use`;
  // Claims commit asynchronously: the row is visible to every instance at once (which is what
  // refuses a replay), only its flush to disk is deferred, so a request no longer waits for a WAL
  // fsync (at 32 connections, five per request queued on WALWrite). What a PostgreSQL crash can
  // then forget is the last ~0.6 s of claims (3 × wal_writer_delay), of tokens that expire within
  // 15 s: the guarantee of the Redis store, which keeps nothing on disk either.
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2, idleTimeoutMillis: 30_000, options: "-c synchronous_commit=off" });
  // A dead connection must fail the next claim (and so its request), not crash the process.
  pool.on("error", () => undefined);
  const cleanup = setInterval(() => {
    pool.query(`DELETE FROM ${table} WHERE expires_at < now()`).catch(() => undefined);
  }, options.cleanupIntervalMs ?? 60_000);
  cleanup.unref();
  // Claims that arrive together (the gateway fans concurrent requests out at once) share one
  // INSERT, sent after the I/O callbacks of the current turn of the event loop: under load, one
  // statement and one commit for several requests instead of one each; alone, no added wait. A
  // token id claimed twice in one batch is a first use once. A failed batch fails every claim in
  // it (each request is refused: fail closed).
  const claims = new DataLoader<Claim, boolean, Claim>(
    async (batch) => {
      const firstClaim = new Map<string, number>();
      batch.forEach((claim, index) => {
        if (!firstClaim.has(claim.tokenId)) firstClaim.set(claim.tokenId, index);
      });
      const ids = [...firstClaim.keys()];
      const { rows } = await pool.query<{ jti: string }>(
        `INSERT INTO ${table} (jti, expires_at) SELECT * FROM unnest($1::varchar[], $2::timestamptz[]) ON CONFLICT (jti) DO NOTHING RETURNING jti`,
        [ids, ids.map((id) => new Date(batch[firstClaim.get(id)!]!.expiresAtMs))],
      );
      const inserted = new Set(rows.map((row) => row.jti));
      return batch.map((claim, index) => firstClaim.get(claim.tokenId) === index && inserted.has(claim.tokenId));
    },
    { cache: false, maxBatchSize: MAX_CLAIMS_PER_STATEMENT, batchScheduleFn: (send) => setImmediate(send) },
  );
  return {
    claim: (tokenId, expiresAtMs) => claims.load({ tokenId, expiresAtMs }),
    async ready() {
      return (await pool.query("SELECT 1").catch(() => undefined))?.rowCount === 1;
    },
    async close() {
      clearInterval(cleanup);
      await pool.end();
    },
  };
}
