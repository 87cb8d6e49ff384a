import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { parse } from "graphql";
import { printSubgraphSchema } from "@apollo/subgraph";
import { composeServices } from "@apollo/composition";
import {
  applyMigrations,
  createLogger,
  readSupergraphFields,
  runSeed,
  type RunningServer,
  type SubgraphApp,
} from "@citygraph/core";
import { registrySubgraph } from "../../../subgraphs/registry/src/server.ts";
import { enterpriseSubgraph } from "../../../subgraphs/enterprise/src/server.ts";
import { createGateway, type GatewayApp } from "../../../gateway/src/server.ts";
import { createTestDatabase, type TestDatabase } from "../../support/database.ts";
import { firstError, migrateEnterprise, type Response } from "./harness.ts";

const REGISTRY_PRISMA = fileURLToPath(new URL("../../../prisma/registry/", import.meta.url));

/** The registry and enterprise subgraphs composed behind the real gateway, on one throwaway database. */
describe("enterprise data through the gateway", () => {
  let database: TestDatabase;
  let gateway: GatewayApp;
  let url: string;
  let supergraphSdl: string;
  const apps: SubgraphApp[] = [];
  const log = createLogger({ test: true }, "error");

  async function query<T = unknown>(text: string, variables?: Record<string, unknown>): Promise<Response<T>> {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: text, variables }) });
    return (await response.json()) as Response<T>;
  }

  before(async () => {
    database = await createTestDatabase();
    await applyMigrations({
      url: database.url,
      schema: "registry",
      migrationsDir: `${REGISTRY_PRISMA}migrations`,
      datamodel: readFileSync(`${REGISTRY_PRISMA}schema.prisma`, "utf8"),
    });
    await migrateEnterprise(database.url);
    const pool = new pg.Pool({ connectionString: database.url, max: 1 });
    await runSeed(pool, registrySubgraph.seed, { scale: 1 });
    await runSeed(pool, enterpriseSubgraph.seed, { scale: 1 });
    await pool.end();
    const servers: Record<string, RunningServer> = {};
    const services = [];
    for (const definition of [registrySubgraph, enterpriseSubgraph]) {
      const app = await definition.create({ databaseUrl: database.url, log, poolSize: 4 });
      apps.push(app);
      servers[definition.name] = await app.listen(0);
      services.push({ name: definition.name, url: servers[definition.name]!.url, typeDefs: parse(printSubgraphSchema(app.schema)) });
    }
    const composition = composeServices(services);
    assert.equal(composition.errors, undefined, composition.errors?.map((e) => e.message).join("\n"));
    supergraphSdl = composition.supergraphSdl!;
    gateway = await createGateway({ supergraphSdl, log, explorer: false });
    url = (await gateway.listen(0)).url;
  });

  after(async () => {
    await gateway?.close();
    await Promise.all(apps.map((app) => app.close()));
    await database?.drop();
  });

  it("classifies every field it contributes to the supergraph", () => {
    const fields = readSupergraphFields(supergraphSdl).filter((f) => f.owners.includes("enterprise"));
    assert.ok(fields.length > 30);
    assert.deepEqual(fields.filter((f) => !f.policy).map((f) => `${f.coordinate}: ${f.problem}`), []);
    const level = (coordinate: string) => fields.find((f) => f.coordinate === coordinate)?.policy;
    assert.equal(level("Enterprise.name")?.level, "PUBLIC");
    assert.deepEqual([level("Person.employment")?.level, level("Person.employment")?.kind], ["PERSONAL", "EMPLOYMENT"]);
    assert.equal(level("WorkResumptionApplication.reviewerNote")?.level, "INTERNAL");
  });

  it("reaches an enterprise's legal representative in the registry, and back to their job", async () => {
    type Representative = { name: string; idNumber: string; employment: { position: string; enterprise: { name: string } } };
    const response = await query<{ enterprises: { nodes: { name: string; district: { name: string }; legalRepresentative: Representative }[] } }>(`{ enterprises(first: 5) { nodes {
      name district { name }
      legalRepresentative { name idNumber district { code } employment { position enterprise { name } } }
    } } }`);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    for (const enterprise of response.data!.enterprises.nodes) {
      assert.match(enterprise.district.name, /区|县|市/);
      assert.ok(enterprise.legalRepresentative.name.length >= 2);
      assert.equal(enterprise.legalRepresentative.idNumber.length, 18);
      // Seeded representatives work for the enterprise they represent.
      assert.equal(enterprise.legalRepresentative.employment.enterprise.name, enterprise.name);
    }
  });

  it("goes from the registry's persons to their employers' resumption status", async () => {
    type Employer = { resumptionStatus: string; resumptionApplications: { nodes: { status: string }[] } };
    const response = await query<{ persons: { nodes: { employment: { enterprise: Employer } | null }[] } }>(`{ persons(first: 100, district: "410105") { nodes {
      id name employment { position enterprise { name resumptionStatus resumptionApplications(first: 1) { nodes { status } } } }
    } } }`);
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    const persons = response.data!.persons.nodes;
    const employed = persons.filter((p) => p.employment);
    assert.ok(employed.length > 10 && employed.length < persons.length);
    for (const person of employed) {
      const enterprise = person.employment!.enterprise;
      assert.equal(enterprise.resumptionStatus, enterprise.resumptionApplications.nodes[0]!.status);
    }
  });

  it("names the argument of bad enterprise input through the gateway", async () => {
    const response = await query(`{ enterprise(creditCode: "91410105MA00000011") { name } }`);
    assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "creditCode" });
  });
});
