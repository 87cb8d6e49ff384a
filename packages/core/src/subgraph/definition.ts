import type { GraphQLSchema } from "graphql";
import type { JWK } from "jose";
import type pg from "pg";
import type { RequestContext } from "../context.ts";
import type { AnchorConfig, SubgraphName } from "../config.ts";
import { connectPrisma, SqlStats } from "../database/prisma.ts";
import type { Logger } from "../log.ts";
import type { SeedPlan } from "../seed/writer.ts";
import { createSubgraphApp, type SubgraphApp } from "./app.ts";
import { createReplayCache } from "../auth/replay-cache.ts";
import { configureCursorKey } from "../pagination.ts";

/** Options every subgraph accepts when it is created. */
export interface SubgraphOptions {
  /** PostgreSQL connection string of the subgraph's database. */
  databaseUrl: string;
  log: Logger;
  /** Pooled database connections. Default 10. */
  poolSize?: number;
  /**
   * This subgraph's HS256 key for the gateway's tokens (`deriveSubgraphTokenKey`): the subgraph
   * answers only requests carrying a token made with it.
   */
  gatewayTokenKey: Uint8Array;
  /** Redis for the replay cache of gateway token ids (`REDIS_URL`). Default: a table in the subgraph's database. */
  redisUrl?: string;
  /**
   * Enforce field permissions, masking and row scope in this subgraph too. Default true; only
   * the benchmark turns it off, to measure what it costs.
   */
  enforcePermissions?: boolean;
  /**
   * The secret list cursors are sealed with (`CITYGRAPH_CURSOR_KEY`); shared by every subgraph of
   * the process. Unset: a random key per process.
   */
  cursorKey?: string;
  /** The supergraph file the governance catalog describes (`CITYGRAPH_SUPERGRAPH`). Default: the committed one. */
  supergraphPath?: string;
  /**
   * What the governance subgraph verifies the access ledger with when an auditor asks
   * (`startLedgerVerification`): the gateway's public key(s), which sign checkpoints and anchors,
   * and the anchor sinks to hold the chain against. Unset: such requests are refused as not
   * configured, never answered with a verification that checked less.
   */
  ledgerAudit?: LedgerAuditOptions;
}

/** See {@link SubgraphOptions.ledgerAudit}. */
export interface LedgerAuditOptions {
  /** Public ES256 JWKs: the gateway's current key and any earlier ones still found on checkpoints. */
  checkpointKeys: readonly JWK[];
  /** Anchor sinks (`CITYGRAPH_ANCHOR_FILE`, `CITYGRAPH_ANCHOR_DATABASE_URL`). Default none. */
  anchors?: AnchorConfig;
}

/**
 * Everything the platform knows about one subgraph: how to build its schema (no database needed,
 * for `compose`), how to serve it, and how to seed it. Its Prisma schema and migrations live in
 * `services/subgraphs/<name>/prisma/`.
 */
export interface SubgraphDefinition {
  name: SubgraphName;
  buildSchema(): Promise<GraphQLSchema>;
  create(options: SubgraphOptions): Promise<SubgraphApp>;
  seed: SeedPlan;
}

/** The parts of a Prisma-backed subgraph that differ between subgraphs. */
export interface PrismaSubgraphParts<TClient, TContext extends RequestContext> {
  name: SubgraphName;
  PrismaClient: new (options: { adapter: never }) => TClient;
  buildSchema(): Promise<GraphQLSchema>;
  /**
   * Builds repositories and per-request loaders around the shared request context. `pool` is the
   * pg pool under the Prisma client, for the rare work Prisma cannot stream (the ledger's walk).
   */
  createContext(prisma: TClient, base: RequestContext, options: SubgraphOptions, pool: pg.Pool): TContext;
  seed: SeedPlan;
  /** Work before the subgraph serves (e.g. synchronising a catalog); a failure aborts start-up. */
  onStart?(prisma: TClient, options: SubgraphOptions): Promise<void>;
}

/** Defines a subgraph served from its own Prisma client and pool. */
export function definePrismaSubgraph<TClient extends { $disconnect(): Promise<void> }, TContext extends RequestContext>(
  parts: PrismaSubgraphParts<TClient, TContext>,
): SubgraphDefinition {
  return {
    name: parts.name,
    buildSchema: parts.buildSchema,
    seed: parts.seed,
    async create(options) {
      if (options.cursorKey) configureCursorKey(options.cursorKey);
      const stats = new SqlStats();
      const db = connectPrisma(parts.PrismaClient as never, { url: options.databaseUrl, poolSize: options.poolSize, stats, service: parts.name });
      const prisma = db.prisma as TClient;
      try {
        await parts.onStart?.(prisma, options);
      } catch (error) {
        await db.close();
        throw error;
      }
      return createSubgraphApp<TContext>({
        name: parts.name,
        schema: await parts.buildSchema(),
        log: options.log.child({ subgraph: parts.name }),
        stats,
        gatewayTokenKey: options.gatewayTokenKey,
        replay: createReplayCache({ subgraph: parts.name, databaseUrl: options.databaseUrl, redisUrl: options.redisUrl }),
        enforcePermissions: options.enforcePermissions ?? true,
        createContext: (base) => parts.createContext(prisma, base, options, db.pool),
        ready: async () => (await db.pool.query("SELECT 1")).rowCount === 1,
        dispose: db.close,
      });
    },
  };
}
