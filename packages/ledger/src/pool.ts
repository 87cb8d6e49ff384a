import type pg from "pg";
import { createPgPool, type Logger } from "@citygraph/core";

/** The database role the gateway writes the ledger as: SELECT and INSERT only (see the governance migration). */
export const GATEWAY_DATABASE_ROLE = "citygraph_gateway";

/** Options of {@link createLedgerPool}. */
export interface LedgerPoolOptions {
  /** Largest number of pooled connections. Default 4 (one write is in flight per ledger at a time). */
  max?: number;
  /** The role to act as; `null` keeps the login user's own. Default {@link GATEWAY_DATABASE_ROLE}. */
  role?: string | null;
  /** `statement_timeout` (and `idle_in_transaction_session_timeout`) of the sessions, ms. Default 10 000. */
  statementTimeoutMs?: number;
  /** How long to wait for a connection before an append fails, ms. Default 5 000. */
  connectionTimeoutMs?: number;
  /** Receives errors of idle connections (which otherwise surface on the next query). */
  log?: Logger;
}

/**
 * A pool for the ledger writer that acts as the `citygraph_gateway` role from the first statement
 * (`options: -c role=…`, which PostgreSQL accepts when the login user is a member of the role or a
 * superuser), so a gateway can append entries but never change or delete one. Timeouts make a
 * hung database fail appends (and so requests) rather than hold them forever.
 */
export function createLedgerPool(url: string, options: LedgerPoolOptions = {}): pg.Pool {
  const role = options.role === undefined ? GATEWAY_DATABASE_ROLE : options.role;
  if (role !== null && !/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new TypeError(`Not a safe role name: ${role}`);
  const timeout = options.statementTimeoutMs ?? 10_000;
  const settings = [
    ...(role ? [`-c role=${role}`] : []),
    `-c statement_timeout=${timeout}`,
    `-c idle_in_transaction_session_timeout=${timeout}`,
  ];
  // node-postgres lets `options` from the URL override ours: merge the URL's into ours instead.
  const parsed = new URL(url);
  const fromUrl = parsed.searchParams.get("options");
  parsed.searchParams.delete("options");
  const pool = createPgPool({
    connectionString: parsed.toString(),
    max: options.max ?? 4,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    options: [fromUrl, ...settings].filter(Boolean).join(" "),
  }, (error) => options.log?.warn("ledger database connection failed", { error: error.message }));
  return pool;
}
