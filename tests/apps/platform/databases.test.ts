import { after, describe, it } from "node:test";
import assert from "node:assert/strict";
import type { SubgraphName } from "@citygraph/core";
import { migrateAll, seedAll, seededScale, subgraphNames } from "@citygraph/platform";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";

describe("platform databases", () => {
  const databases: TestDatabase[] = [];
  after(async () => Promise.all(databases.map((d) => d.drop())));

  it("knows a fresh database was never seeded, and the scale of one that was", async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const urls = Object.fromEntries(subgraphNames().map((n) => [n, database.url])) as Record<SubgraphName, string>;
    assert.equal(await seededScale(urls), undefined);
    await migrateAll(urls);
    assert.equal(await seededScale(urls), undefined);
    await seedAll(urls, { scale: 1 });
    assert.equal(await seededScale(urls), 1);
  });
});
