import { randomBytes } from "node:crypto";
import { createDatabase, dropDatabase } from "@citygraph/core";

/** A database that exists for one test file. */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/**
 * The server tests create their databases on. `npm test` sets it: to CI's PostgreSQL there, and to
 * an embedded PostgreSQL it starts on a machine without one.
 */
export function testServerUrl(): string {
  const url = process.env.CITYGRAPH_TEST_DATABASE_URL;
  if (!url) {
    throw new Error(
      "CITYGRAPH_TEST_DATABASE_URL is not set. Run tests with `npm test` (it starts a database), " +
        "or set it to an admin URL such as postgresql://postgres@127.0.0.1:5432/postgres.",
    );
  }
  return url;
}

/**
 * Creates a throwaway database: empty, or a copy of `template` (a database `npm test` migrated and
 * seeded once for the whole run).
 */
export async function createTestDatabase(options: { template?: string } = {}): Promise<TestDatabase> {
  const server = testServerUrl();
  const name = `citygraph_t_${process.pid}_${randomBytes(4).toString("hex")}`;
  const url = await createDatabase(server, name, options.template);
  return { url, name, drop: () => dropDatabase(server, name) };
}
