import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:net";
import { Field, ObjectType, Query, Resolver } from "type-graphql";
import { SqlStats, buildFederatedSchema, createRedisReplayCache, createSubgraphApp, type RequestContext, type SubgraphApp } from "@citygraph/core";
import { gatewayHeaders, testSubgraphTokenKey } from "../../../support/security.ts";
import { recordingLog } from "../../../support/recording-log.ts";

@ObjectType()
class Greeting {
  @Field(() => String)
  text!: string;
}

@Resolver()
class GreetingResolver {
  @Query(() => Greeting)
  greeting(): Greeting {
    return { text: "hello" };
  }
}

/** A port nothing listens on: taken and released at once. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * A subgraph whose token replay cache (Redis here) cannot answer refuses every request, since it
 * cannot tell a replayed token from a new one; it says so to its readiness probe and to its log
 * once, not once per request.
 */
describe("a subgraph without its replay cache", () => {
  let app: SubgraphApp;
  let url: string;
  const { log: recording, messages: lines } = recordingLog();

  before(async () => {
    app = await createSubgraphApp<RequestContext>({
      name: "registry",
      schema: await buildFederatedSchema<RequestContext>({ resolvers: [GreetingResolver] }),
      log: recording,
      stats: new SqlStats(),
      gatewayTokenKey: await testSubgraphTokenKey("registry"),
      replay: createRedisReplayCache(`redis://127.0.0.1:${await closedPort()}`, "test"),
      createContext: (base) => base,
      ready: async () => true,
      dispose: async () => undefined,
    });
    url = (await app.listen(0)).url;
  });
  after(() => app?.close());

  it("is not ready, refuses each request with 503 SUBGRAPH_UNAVAILABLE, and logs the outage once", async () => {
    const ready = await fetch(new URL("/readyz", url));
    assert.deepEqual([ready.status, await ready.json()], [503, { status: "token replay cache unavailable" }]);
    const query = "{ greeting { text } }";
    for (let i = 0; i < 2; i++) {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await gatewayHeaders("registry", { query })) },
        body: JSON.stringify({ query }),
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[] };
      assert.deepEqual([response.status, body.errors?.[0]?.extensions?.code], [503, "SUBGRAPH_UNAVAILABLE"]);
    }
    assert.equal(lines.filter((line) => line.includes("replay cache unavailable")).length, 1, lines.join("\n"));
  });
});
