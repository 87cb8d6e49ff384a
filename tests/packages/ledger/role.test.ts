import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import pg from "pg";
import { SUBGRAPH_NAMES, loadRolePolicy } from "@citygraph/core";
import { gatewayLoginUrl, policyFilePath } from "@citygraph/platform";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createGateway } from "@citygraph/gateway";
import { loadSupergraph } from "@citygraph/supergraph";
import { GATEWAY_DATABASE_ROLE, createLedgerPool, verifyLedger } from "@citygraph/ledger";
import type { TestDatabase } from "../../support/database.ts";
import { testSecurity } from "../../support/security.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, quietLog, sampleEntry } from "./harness.ts";

/** PostgreSQL's insufficient_privilege: both missing grants and the append-only triggers raise it. */
const INSUFFICIENT_PRIVILEGE = "42501";

describe("the citygraph_gateway database role", () => {
  let db: TestDatabase;
  let pool: pg.Pool;
  before(async () => {
    db = await ledgerDatabase();
    pool = createLedgerPool(db.url);
    const ledger = await ledgerOver(pool, { checkpointEvery: 2 });
    await Promise.all([1, 2, 3].map((i) => ledger.append(sampleEntry(i))));
    await ledger.close();
  });
  after(async () => {
    await pool?.end();
    await db?.drop();
    await dropTemplate();
  });

  const refused = (sql: string) =>
    assert.rejects(pool.query(sql), (error: { code?: string; message: string }) => {
      assert.equal(error.code, INSUFFICIENT_PRIVILEGE, error.message);
      return true;
    });

  it("is the role the ledger pool acts as", async () => {
    const { rows } = await pool.query("SELECT current_user AS who");
    assert.equal(rows[0].who, GATEWAY_DATABASE_ROLE);
  });

  it("can append entries and checkpoints and read them", async () => {
    const { rows } = await pool.query(
      "SELECT (SELECT count(*) FROM governance.ledger_entry)::int AS entries, (SELECT count(*) FROM governance.ledger_checkpoint)::int AS checkpoints",
    );
    assert.equal(rows[0].entries, 3);
    assert.ok(rows[0].checkpoints >= 1);
    assert.equal((await verifyLedger(pool, (await testSecurity()).gatewayKeys.publicJwk)).ok, true);
  });

  it("cannot UPDATE, DELETE or TRUNCATE ledger entries", async () => {
    await refused("UPDATE governance.ledger_entry SET outcome = 'allowed'");
    await refused("DELETE FROM governance.ledger_entry WHERE seq = 3");
    await refused("TRUNCATE governance.ledger_entry");
  });

  it("cannot UPDATE, DELETE or TRUNCATE checkpoints", async () => {
    await refused("UPDATE governance.ledger_checkpoint SET hash = repeat('0', 64)");
    await refused("DELETE FROM governance.ledger_checkpoint");
    await refused("TRUNCATE governance.ledger_checkpoint");
  });

  it("leaves the rows as they were", async () => {
    const { rows } = await pool.query("SELECT count(*)::int AS n FROM governance.ledger_entry");
    assert.equal(rows[0].n, 3);
  });

  it("stops even the table owner from changing rows: the append-only triggers", async () => {
    const owner = new pg.Client({ connectionString: db.url });
    await owner.connect();
    try {
      for (const sql of [
        "UPDATE governance.ledger_entry SET outcome = 'allowed'",
        "DELETE FROM governance.ledger_entry",
        "TRUNCATE governance.ledger_entry",
      ]) {
        await assert.rejects(owner.query(sql), (error: { code?: string; message: string }) => {
          assert.equal(error.code, INSUFFICIENT_PRIVILEGE);
          assert.match(error.message, /append-only/);
          return true;
        });
      }
    } finally {
      await owner.end();
    }
  });

  it("can be the gateway's own login, so no RESET ROLE regains anything", async () => {
    // The migrations let the role log in; a password is the operator's to set (here, this test's).
    const password = randomBytes(12).toString("hex");
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    await admin.query(`ALTER ROLE ${GATEWAY_DATABASE_ROLE} PASSWORD '${password}'`);
    await admin.end();
    const url = new URL(db.url);
    url.username = GATEWAY_DATABASE_ROLE;
    url.password = password;
    const own = createLedgerPool(url.toString(), { role: null });
    try {
      const client = await own.connect();
      try {
        await client.query("RESET ROLE");
        const { rows } = await client.query("SELECT current_user AS who, session_user AS login");
        assert.deepEqual(rows[0], { who: GATEWAY_DATABASE_ROLE, login: GATEWAY_DATABASE_ROLE });
        await assert.rejects(client.query("DELETE FROM governance.ledger_entry"), (error: { code?: string }) => error.code === INSUFFICIENT_PRIVILEGE);
      } finally {
        client.release();
      }
    } finally {
      await own.end();
    }
  });

  it("is the login citygraph start gives its gateway: a kept random password, set through the administrator", async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "citygraph-login-"));
    try {
      const url = await gatewayLoginUrl(db.url, dataDir);
      assert.equal(new URL(url).username, GATEWAY_DATABASE_ROLE);
      const file = join(dataDir, "keys", "gateway-db.password");
      assert.equal(statSync(file).mode & 0o777, 0o600, "the password file is the owner's alone");
      assert.equal(await gatewayLoginUrl(db.url, dataDir), url, "a restart reuses the password");
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query("SELECT session_user AS login, rolsuper FROM pg_roles WHERE rolname = session_user");
        assert.deepEqual(rows[0], { login: GATEWAY_DATABASE_ROLE, rolsuper: false });
      } finally {
        await client.end();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it("refuses to start a gateway whose own login is another role or a superuser", async () => {
    const { devIdentityProvider, gatewayKeys, subgraphTokenTtlSeconds } = await testSecurity();
    await assert.rejects(
      createGateway({
        supergraphSdl: loadSupergraph(),
        subgraphUrls: Object.fromEntries(SUBGRAPH_NAMES.map((name) => [name, "http://127.0.0.1:9/graphql"])),
        identity: { keys: { kind: "jwks", jwks: { keys: [devIdentityProvider.publicJwk] } } },
        roles: loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES),
        signingKey: gatewayKeys.privateJwk,
        subgraphTokenTtlSeconds,
        governance: { databaseUrl: db.url, gatewayDatabaseUrl: db.url },
        explorer: false,
        log: quietLog,
      }),
      /CITYGRAPH_GATEWAY_DATABASE_URL must log in as citygraph_gateway \(no superuser\); it logs in as postgres, a superuser/,
    );
  });
});
