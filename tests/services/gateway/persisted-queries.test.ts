import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../support/security.ts";

/** Automatic persisted queries, as Apollo Client's own link uses them against the gateway over HTTP. */
describe("automatic persisted queries", () => {
  let stack: TestStack;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.stop());

  /** A client whose requests are counted: each is [has query text, hash sent]. */
  function client(headers: Record<string, string> = {}) {
    const sent: { withQuery: boolean; hash?: string }[] = [];
    const counting: typeof fetch = async (input, init) => {
      const body = JSON.parse(String(init?.body ?? "{}")) as { query?: string; extensions?: { persistedQuery?: { sha256Hash: string } } };
      sent.push({ withQuery: typeof body.query === "string", hash: body.extensions?.persistedQuery?.sha256Hash });
      return fetch(input, init);
    };
    const link = createPersistedQueryLink({ sha256: (text) => createHash("sha256").update(text).digest("hex") }).concat(
      new HttpLink({ uri: stack.gatewayUrl, fetch: counting, headers }),
    );
    return { sent, apollo: new ApolloClient({ link, cache: new InMemoryCache() }) };
  }

  it("registers an unknown hash on the link's retry, then runs it by hash alone", async () => {
    const query = gql`query DistrictNames { districts { code name } }`;
    const first = client();
    const result = await first.apollo.query({ query, fetchPolicy: "network-only" });
    assert.equal((result.data as { districts: unknown[] }).districts.length, 16);
    assert.deepEqual(first.sent.map((s) => s.withQuery), [false, true], "hash only, PERSISTED_QUERY_NOT_FOUND, then hash with query");

    const second = client();
    const again = await second.apollo.query({ query, fetchPolicy: "network-only" });
    assert.equal((again.data as { districts: unknown[] }).districts.length, 16);
    assert.deepEqual(second.sent.map((s) => s.withQuery), [false], "known now: the hash alone suffices");
  });

  it("does so for signed-in callers, whose permissions still apply", async () => {
    const { apollo, sent } = client(await bearer(ALL_SCOPES));
    const result = await apollo.query({ query: gql`query Few { persons(first: 2) { nodes { id name } } }`, fetchPolicy: "network-only" });
    assert.equal((result.data as { persons: { nodes: unknown[] } }).persons.nodes.length, 2);
    assert.equal(sent[0]!.withQuery, false);
  });

  it("answers an unknown hash with PERSISTED_QUERY_NOT_FOUND, not an internal error", async () => {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: "0".repeat(64) } } }),
    });
    const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
    assert.equal(body.errors[0]!.extensions.code, "PERSISTED_QUERY_NOT_FOUND");
    assert.equal(response.status, 200);
  });
});
