import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

/** Counts SQL statements a pool sends; tests and `/metrics` read it. */
export class SqlStats {
  statements = 0;
}

/** Options of {@link connectPrisma}. */
export interface PrismaConnectionOptions {
  /** PostgreSQL connection string. */
  url: string;
  /** Largest number of pooled connections. Default 10. */
  poolSize?: number;
  /** Receives a count of every statement sent. */
  stats?: SqlStats;
}

/** A Prisma client with the pool behind it, closed together. */
export interface PrismaConnection<TClient> {
  prisma: TClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

type ClientConstructor<TClient> = new (options: { adapter: PrismaPg }) => TClient;

/**
 * Creates a Prisma 7 client over our own `pg` pool, so that the pool can be sized, counted and
 * closed deterministically.
 */
export function connectPrisma<TClient extends { $disconnect(): Promise<void> }>(
  Client: ClientConstructor<TClient>,
  options: PrismaConnectionOptions,
): PrismaConnection<TClient> {
  const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
  const stats = options.stats;
  if (stats) {
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        stats.statements++;
        return query(...args);
      };
    });
  }
  // A dead connection in the pool must surface on the next query, not crash the process.
  pool.on("error", () => undefined);
  const prisma = new Client({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    close: async () => {
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}
