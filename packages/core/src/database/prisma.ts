import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { createPgPool } from "./pool.ts";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { tracer, tracingEnabled } from "../telemetry/tracing.ts";
import { probePoolConnections, sqlStatementsTotal } from "../telemetry/metrics.ts";

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
  /**
   * The service whose pool this is, in metrics (statements, pool saturation) and SQL spans.
   * Default: none (the pool is not reported).
   */
  service?: string;
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
  // A dead connection in the pool must surface on the next query, not crash the process.
  const pool = createPgPool({ connectionString: options.url, max: options.poolSize ?? 10 });
  const { stats, service } = options;
  if (stats || service) {
    const statements = service ? sqlStatementsTotal.labels({ service }) : undefined;
    pool.on("connect", (client) => {
      const query = client.query.bind(client) as (...args: unknown[]) => unknown;
      (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
        if (stats) stats.statements++;
        statements?.inc();
        return tracingEnabled() ? tracedQuery(query, args, service) : query(...args);
      };
    });
  }
  const unprobe = service
    ? [
        probePoolConnections({ service, state: "total" }, () => pool.totalCount),
        probePoolConnections({ service, state: "idle" }, () => pool.idleCount),
        probePoolConnections({ service, state: "waiting" }, () => pool.waitingCount),
      ]
    : [];
  const prisma = new Client({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    pool,
    close: async () => {
      for (const stop of unprobe) stop();
      await prisma.$disconnect();
      await pool.end().catch(() => undefined);
    },
  };
}

/**
 * A SQL statement as a client span: the statement's verb only (`SELECT`, `INSERT` …). Prisma sends
 * values as parameters, but raw statements elsewhere might not, so the text itself is not kept.
 */
function tracedQuery(query: (...args: unknown[]) => unknown, args: unknown[], service: string | undefined): unknown {
  const first = args[0];
  const text = typeof first === "string" ? first : (first as { text?: unknown } | null)?.text;
  const verb = typeof text === "string" ? (/^\s*(\w+)/.exec(text)?.[1]?.toUpperCase() ?? "SQL") : "SQL";
  const span = tracer.startSpan(`db ${verb}`, {
    kind: SpanKind.CLIENT,
    attributes: { "db.system.name": "postgresql", "db.operation.name": verb, "citygraph.service": service ?? "" },
  });
  const result = query(...args);
  if (result && typeof (result as Promise<unknown>).then === "function") {
    (result as Promise<unknown>).then(
      () => span.end(),
      () => {
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
      },
    );
  } else span.end();
  return result;
}
