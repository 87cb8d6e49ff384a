import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ApolloServer, type ApolloServerPlugin } from "@apollo/server";
import { ApolloGateway } from "@apollo/gateway";
import { createLogger, grantSetOf, type Principal } from "@citygraph/core";
import { SubgraphDataSource } from "../../../services/gateway/src/datasource.ts";
import type { GatewayContext } from "../../../services/gateway/src/context.ts";
import { loadSupergraph } from "@citygraph/supergraph";
import { withoutSecurityFeatures } from "@citygraph/gateway";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer, gatewayHeaders, testTokenSigner } from "../../support/security.ts";

type Persons = { persons: { nodes: { id: string; name?: string | null; healthCode?: { color: string } | null }[] } };

const PERSONS_QUERY = `{ persons(district: "410105", first: 25) { nodes { id name healthCode { color } } } }`;

/**
 * The gateway's data sources over the stack's subgraphs, in an Apollo Server of the test's own, so
 * the test can read the request context the data sources filled (the real gateway never shows it).
 */
async function startCollectingGateway(stack: TestStack) {
  const sign = await testTokenSigner();
  process.env.APOLLO_TELEMETRY_DISABLED = "true";
  const gateway = new ApolloGateway({
    // As createGateway does: @apollo/gateway refuses `for: SECURITY` links it cannot enforce.
    supergraphSdl: withoutSecurityFeatures(loadSupergraph()),
    buildService: ({ name }) =>
      new SubgraphDataSource(name, stack.services.subgraphs[name as keyof TestStack["services"]["subgraphs"]].server.url, 10_000, sign),
  });
  let last: Set<string> | undefined;
  const capture: ApolloServerPlugin<GatewayContext> = {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue }) {
          last = contextValue.subjects;
        },
      };
    },
  };
  const apollo = new ApolloServer<GatewayContext>({ gateway, plugins: [capture] });
  await apollo.start();
  const log = createLogger({ test: true }, "error");
  return {
    /** Runs a query as a user with `scopes`; returns the result and the subjects the context collected. */
    async run<T>(query: string, scopes: readonly string[]) {
      const principal: Principal = { kind: "user", subject: "tester", scopes, grants: grantSetOf(scopes) };
      last = undefined;
      const response = await apollo.executeOperation<T>({ query }, { contextValue: { requestId: "subjects-test", principal, log } });
      assert.equal(response.body.kind, "single");
      const result = response.body.kind === "single" ? response.body.singleResult : undefined;
      return { result: result!, subjects: last ? [...last].sort() : [] };
    },
    stop: () => apollo.stop(),
  };
}

describe("gateway: data subjects", () => {
  let stack: TestStack;
  let collecting: Awaited<ReturnType<typeof startCollectingGateway>>;
  before(async () => {
    stack = await startStack();
    collecting = await startCollectingGateway(stack);
  });
  after(async () => {
    await collecting?.stop();
    await stack?.stop();
  });

  it("collects exactly the persons whose names and health codes were returned, from both subgraphs", async () => {
    const { result, subjects } = await collecting.run<Persons>(PERSONS_QUERY, ALL_SCOPES);
    assert.equal(result.errors, undefined);
    const ids = result.data!.persons.nodes.map((p) => p.id).sort();
    assert.equal(ids.length, 25);
    assert.ok(result.data!.persons.nodes.every((p) => p.name && p.healthCode?.color));
    assert.deepEqual(subjects, ids);
    assert.equal(result.extensions?.citygraph, undefined, "the data sources strip the extension");
  });

  it("collects the subjects of an entity fetch alone (health through _entities)", async () => {
    const { result, subjects } = await collecting.run<Persons>(
      `{ persons(district: "410105", first: 10) { nodes { id healthCode { color } } } }`,
      ["registry:internal", "health:sensitive"],
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(subjects, result.data!.persons.nodes.map((p) => p.id).sort());
  });

  it("collects nothing for public and internal reads", async () => {
    const { result, subjects } = await collecting.run<Persons>(
      `{ districts { code name } persons(district: "410105", first: 10) { nodes { id } } }`,
      ["registry:internal"],
    );
    assert.equal(result.errors, undefined);
    assert.deepEqual(subjects, []);
  });

  it("reports masked reads from the subgraph, and not denied ones", async () => {
    const post = async (scopes: readonly string[], query: string) => {
      const response = await fetch(stack.services.subgraphs.registry.server.url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await gatewayHeaders("registry", { query }, scopes)) },
        body: JSON.stringify({ query }),
      });
      return (await response.json()) as {
        data: Persons;
        errors?: unknown[];
        extensions?: { citygraph?: { subjects: string[] } };
      };
    };
    const names = await post(["registry:internal", "registry:personal:masked"], `{ persons(district: "410105", first: 5) { nodes { id name } } }`);
    assert.equal(names.errors, undefined);
    assert.ok(names.data.persons.nodes.every((p) => p.name?.includes("*")));
    assert.deepEqual([...names.extensions!.citygraph!.subjects].sort(), names.data.persons.nodes.map((p) => p.id).sort());
    const denied = await post(["registry:internal", "registry:personal:masked"], `{ persons(district: "410105", first: 5) { nodes { id idNumber } } }`);
    assert.ok(denied.errors?.length);
    assert.equal(denied.extensions, undefined);
  });

  it("never shows clients the subjects extension", async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await bearer(ALL_SCOPES)) },
      body: JSON.stringify({ query: PERSONS_QUERY }),
    });
    const body = (await response.json()) as { data?: Persons; errors?: unknown[]; extensions?: Record<string, unknown> };
    assert.equal(response.status, 200);
    assert.equal(body.errors, undefined);
    assert.equal(body.data!.persons.nodes.length, 25);
    assert.equal(body.extensions?.citygraph, undefined);
  });
});
