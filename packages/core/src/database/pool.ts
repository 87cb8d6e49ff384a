import pg from "pg";

/**
 * A `pg.Pool` that cannot crash the process when PostgreSQL goes away. node-postgres emits
 * `'error'` on a client whose server connection dies (a restart, `pg_terminate_backend`, an
 * embedded server stopping on the same Ctrl-C as we do); the pool listens only while a client is
 * idle, and an `'error'` event without a listener is an uncaught exception. Here every client has
 * a listener for its whole life: the query in flight still rejects, and `onError` hears of it.
 */
export function createPgPool(config: pg.PoolConfig, onError: (error: Error) => void = () => undefined): pg.Pool {
  const pool = new pg.Pool(config);
  pool.on("error", onError);
  pool.on("connect", (client) => client.on("error", onError));
  return pool;
}

/** A single `pg.Client` with the same guarantee as {@link createPgPool}. */
export function createPgClient(config: pg.ClientConfig | string, onError: (error: Error) => void = () => undefined): pg.Client {
  const client = new pg.Client(config);
  client.on("error", onError);
  return client;
}
