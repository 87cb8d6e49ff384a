import { parse as parseConnectionString } from "pg-connection-string";
import { StartupError } from "../errors.ts";
import { createPgClient } from "./pool.ts";

/** Creates a database on the server of `adminUrl` (optionally from a template) and returns its URL. */
export async function createDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  assertIdentifier(name);
  if (template) assertIdentifier(template);
  const client = createPgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  } finally {
    await client.end();
  }
  return withDatabase(adminUrl, name);
}

/** Drops a database, closing other sessions on it first (PostgreSQL 13+). */
export async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  assertIdentifier(name);
  const client = createPgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await client.end();
  }
}

/** Whether a database exists on the server of `adminUrl`. */
export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const client = createPgClient({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    return rowCount === 1;
  } finally {
    await client.end();
  }
}

/** The same server URL with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

function assertIdentifier(name: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Not a safe database name: ${name}`);
}

/** How long {@link assertDatabaseReachable} waits for a server to answer, milliseconds. */
const REACH_TIMEOUT_MS = 5_000;

/**
 * Connects to `url` once and fails with a {@link StartupError} that says what is wrong and what to
 * do — the database does not exist, the login was refused, nothing answers — naming `variable`
 * (where the URL came from), the server and the database, never the password. Without this, the
 * first to connect is Prisma's migration engine, whose errors arrive as WebAssembly stack traces.
 */
export async function assertDatabaseReachable(url: string, variable: string): Promise<void> {
  // pg's own parser, so the server named is the one pg connects to (?host= sockets, [::1] …).
  let parsed: ReturnType<typeof parseConnectionString>;
  try {
    parsed = parseConnectionString(url);
  } catch {
    throw new StartupError(`${variable} is not a PostgreSQL URL pg can read (check its percent-encoding).`);
  }
  const host = parsed.host || "localhost";
  const port = parsed.port || "5432";
  const server = host.startsWith("/") ? `the socket in ${host}` : `${host}:${port}`;
  const user = parsed.user || "(the default user)";
  const database = parsed.database || parsed.user || "postgres";
  const createdb = ["createdb", ...(parsed.host ? ["-h", host] : []), "-p", port, ...(parsed.user ? ["-U", parsed.user] : []), database].join(" ");
  const client = createPgClient({ connectionString: url, connectionTimeoutMillis: REACH_TIMEOUT_MS });
  try {
    await client.connect();
    await client.query("SELECT 1");
  } catch (error) {
    const code = (error as { code?: string }).code;
    switch (code) {
      case "3D000":
        throw new StartupError(
          `The database "${database}" (${variable}) does not exist on ${server}: create it (${createdb}) or name one that exists.`,
        );
      case "28P01":
      case "28000":
        throw new StartupError(`PostgreSQL at ${server} refused the login of ${user} to "${database}" (${variable}): check the user and password in the URL.`);
      case "ECONNREFUSED":
      case "ENOTFOUND":
      case "EAI_AGAIN":
      case "EHOSTUNREACH":
      case "ETIMEDOUT":
        throw new StartupError(
          `No PostgreSQL answers at ${server} (${variable}, ${code}): start it, or correct the URL. Without any DATABASE_URL, citygraph runs an embedded PostgreSQL of its own.`,
        );
      default: {
        const reason = error instanceof Error && /timeout/i.test(error.message) ? `no answer within ${REACH_TIMEOUT_MS / 1000} s` : (code ?? (error as Error).message);
        throw new StartupError(`Cannot use PostgreSQL at ${server}, database "${database}" (${variable}): ${reason}.`);
      }
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}
