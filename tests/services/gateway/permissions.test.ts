import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { SignJWT, importJWK } from "jose";
import { maskerFor, generateEs256, operationHash, signDevToken } from "@citygraph/core";
import { postGraphQL, startStack, type TestStack } from "../../support/stack.ts";
import { ALL_SCOPES, agreementGatewayHeaders, bearer, gatewayHeaders, testSecurity, testSubgraphTokenKey, tokenFor } from "../../support/security.ts";

type Person = { id: string; name?: string | null; idNumber?: string | null; phone?: string | null; birthDate?: string | null };

/** The principals of the table: who asks. */
const PRINCIPALS = {
  anonymous: null,
  developer: ["role:app-developer"],
  maskedPersonal: ["registry:internal", "registry:personal:masked"],
  maskedSensitive: ["registry:internal", "registry:sensitive:masked"],
  healthOfficer: ["role:health-officer"],
  auditor: ["role:auditor"],
} as const satisfies Record<string, readonly string[] | null>;

type Outcome = "full" | "masked" | "denied";

/** principal × field → outcome, for person fields read through `persons`. */
const TABLE: [keyof typeof PRINCIPALS, "name" | "idNumber" | "phone" | "birthDate", Outcome, string?][] = [
  ["anonymous", "name", "denied"],
  ["developer", "name", "denied"],
  ["maskedPersonal", "name", "masked"],
  ["maskedPersonal", "phone", "masked"],
  ["maskedPersonal", "birthDate", "masked"],
  ["maskedPersonal", "idNumber", "denied"],
  // Its grant also reads birth years (masked), so the ID number gets the stronger mask.
  ["maskedSensitive", "idNumber", "masked", "region"],
  ["healthOfficer", "idNumber", "full"],
  ["healthOfficer", "name", "full"],
  ["auditor", "name", "denied"],
];

const KIND = { name: "NAME", idNumber: "ID_NUMBER", phone: "PHONE", birthDate: "BIRTH_DATE" } as const;

describe("field-level permissions", () => {
  let stack: TestStack;
  let truth: Person[];

  async function as(principal: keyof typeof PRINCIPALS, query: string, extra: Record<string, string> = {}) {
    const scopes = PRINCIPALS[principal];
    const headers = scopes === null ? {} : await bearer(scopes);
    return stack.query<Record<string, unknown>>(query, undefined, { ...headers, ...extra });
  }

  before(async () => {
    stack = await startStack();
    const all = await stack.query<{ persons: { nodes: Person[] } }>(
      `{ persons(first: 5) { nodes { id name idNumber phone birthDate } } }`,
      undefined,
      await bearer(ALL_SCOPES),
    );
    truth = all.data!.persons.nodes;
    assert.equal(truth.length, 5);
  });
  after(() => stack.stop());

  for (const [principal, field, outcome, variant] of TABLE) {
    it(`${outcome === "full" ? "shows" : outcome === "masked" ? "masks" : "denies"} Person.${field} to ${principal}`, async () => {
      const result = await as(principal, `{ persons(first: 5) { nodes { id ${field} } } }`);
      if (principal === "anonymous") {
        // Anonymous callers cannot even list persons (an INTERNAL root field): to them it does
        // not exist (tests/gateway/permissions/hidden-names.test.ts).
        assert.equal(result.status, 400);
        assert.equal(result.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
        return;
      }
      if (outcome === "denied") {
        assert.equal(result.status, 403);
        assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN");
        const denied = result.errors?.[0]?.extensions?.denied as { coordinate: string; needs: string }[];
        assert.ok(denied.some((d) => d.coordinate === `Person.${field}`), JSON.stringify(denied));
        assert.equal(result.data, undefined, "nothing executes");
        return;
      }
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      const nodes = (result.data!.persons as { nodes: Person[] }).nodes;
      for (const [i, node] of nodes.entries()) {
        const real = String(truth[i]![field]);
        assert.equal(node[field], outcome === "full" ? real : maskerFor(KIND[field], variant)!(real));
      }
    });
  }

  it("says which scope each denied field needs", async () => {
    const result = await as("developer", `{ persons(first: 1) { nodes { name idNumber } } }`);
    assert.deepEqual(result.errors?.[0]?.extensions?.denied, [
      { coordinate: "Person.idNumber", needs: "registry:sensitive" },
      { coordinate: "Person.name", needs: "registry:personal" },
    ]);
  });

  describe("masks that other grants would undo", () => {
    it("never serves an ID number whose hidden digits the same principal reads as its birth date", async () => {
      // What role:district-health-officer granted on main: birth dates in full, ID numbers masked
      // (410105********6758 beside 1987-03-15 rebuilt every ID number). Such scopes can still come
      // from an identity provider, so the decision itself must refuse.
      const headers = await bearer(["health:sensitive", "registry:personal", "registry:sensitive:masked"], ["410105"]);
      const result = await stack.query(`{ persons(first: 5) { nodes { birthDate idNumber } } }`, undefined, headers);
      assert.equal(result.status, 403, JSON.stringify(result));
      assert.deepEqual(result.errors?.[0]?.extensions?.denied, [
        {
          coordinate: "Person.idNumber",
          needs: "registry:sensitive (masked, it would be undone by the BIRTH_DATE, GENDER, ADDRESS also readable)",
        },
      ]);
      // The rule is about grants, not this query: asking for the ID number alone changes nothing.
      const alone = await stack.query(`{ persons(first: 5) { nodes { idNumber } } }`, undefined, headers);
      assert.equal(alone.status, 403);
      // Nor does it show up masked in the caller's schema.
      const fields = await stack.query<{ __type: { fields: { name: string }[] } }>(`{ __type(name: "Person") { fields { name } } }`, undefined, headers);
      const names = fields.data!.__type.fields.map((f) => f.name);
      assert.ok(names.includes("birthDate") && !names.includes("idNumber"), names.join());
    });

    it("role:district-health-officer reads birth dates in full and no ID numbers", async () => {
      const headers = await bearer(["role:district-health-officer"], ["410105"]);
      const result = await stack.query<{ persons: { nodes: Person[] } }>(`{ persons(first: 3) { nodes { birthDate } } }`, undefined, headers);
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      assert.match(result.data!.persons.nodes[0]!.birthDate!, /^\d{4}-\d{2}-\d{2}$/);
      const id = await stack.query(`{ persons(first: 3) { nodes { idNumber } } }`, undefined, headers);
      assert.equal(id.status, 403);
    });

    it("masks names of different lengths alike", async () => {
      const result = await as("maskedPersonal", `{ persons(first: 100) { nodes { name } } }`);
      const masked = (result.data!.persons as { nodes: Person[] }).nodes.map((p) => p.name!);
      assert.ok(masked.length > 0);
      for (const name of masked) assert.match(name, /^(\p{Script=Han}|欧阳|司马|上官|诸葛|东方|皇甫|尉迟|公孙|慕容|长孙|宇文|司徒|夏侯|令狐)\*\*$/u, name);
    });
  });

  it("limits rows to the principal's districts, in lists and entity references", async () => {
    const headers = await bearer(["role:district-health-officer"], ["410105"]);
    const result = await stack.query<{ persons: { nodes: { district: { code: string } }[] }; communities: { nodes: { district: { code: string } }[] } }>(
      `{ persons(first: 100) { nodes { district { code } } } communities(first: 100) { nodes { district { code } } } }`,
      undefined,
      headers,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.ok(result.data!.persons.nodes.length > 0);
    assert.ok(result.data!.persons.nodes.every((p) => p.district.code === "410105"));
    assert.ok(result.data!.communities.nodes.every((c) => c.district.code === "410105"));
    const outside = truth.find((p) => p.idNumber && !p.idNumber.startsWith("410105"));
    if (outside) {
      const lookup = await stack.query<{ person: unknown }>(`{ person(id: "${outside.id}") { id } }`, undefined, headers);
      assert.equal(lookup.data?.person, null);
    }
  });

  describe("attacks", () => {
    it("sees through aliases, named fragments and inline fragments", async () => {
      for (const query of [
        `{ persons(first: 1) { nodes { harmless: idNumber } } }`,
        `query { persons(first: 1) { nodes { ...P } } } fragment P on Person { idNumber }`,
        `{ persons(first: 1) { nodes { ... on Person { idNumber } } } }`,
      ]) {
        const result = await as("developer", query);
        assert.equal(result.status, 403, query);
        assert.deepEqual(
          (result.errors?.[0]?.extensions?.denied as { coordinate: string }[]).map((d) => d.coordinate),
          ["Person.idNumber"],
        );
      }
    });

    it("denies a sensitive field reached through another subgraph's entity", async () => {
      const result = await stack.query(
        `{ enterprises(first: 2) { nodes { name legalRepresentative { idNumber } } } }`,
        undefined,
        await bearer(["role:enterprise-officer"]),
      );
      assert.equal(result.status, 403);
      assert.ok(JSON.stringify(result.errors).includes("Person.idNumber"));
    });

    it("checks every operation of a document, not only the one it runs", async () => {
      const response = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await bearer(PRINCIPALS.developer)) },
        body: JSON.stringify({
          query: `query Ok { districts { code } } query Sneaky { persons(first: 1) { nodes { idNumber } } }`,
          operationName: "Ok",
        }),
      });
      assert.equal(response.status, 403);
    });

    it("does not run batched requests, so nothing denied rides along with something allowed", async () => {
      const response = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(await bearer(PRINCIPALS.developer)) },
        body: JSON.stringify([{ query: "{ districts { code } }" }, { query: "{ persons(first: 1) { nodes { idNumber } } }" }]),
      });
      assert.equal(response.status, 400);
      assert.doesNotMatch(await response.text(), /41\d{16}/);
    });

    it("offers clients no _entities or _service", async () => {
      for (const query of [
        `{ _entities(representations: [{ __typename: "Person", id: "${truth[0]!.id}" }]) { ... on Person { idNumber } } }`,
        `{ _service { sdl } }`,
      ]) {
        const result = await stack.query(query, undefined, await bearer(ALL_SCOPES));
        assert.equal(result.status, 400, query);
        assert.equal(result.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
      }
    });

    it("refuses subgraph calls without a gateway token, with a forged one, one for another subgraph, or an expired one", async () => {
      const url = stack.services.subgraphs.registry.server.url;
      const query = `{ persons(first: 1) { nodes { idNumber } } }`;
      const op = operationHash({ query });
      const { gatewayKeys } = await testSecurity();
      const claims = { kind: "user", scp: ALL_SCOPES, pol: [], rid: "x", op };
      const token = (key: Uint8Array, iat: number, exp: number) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: "HS256" })
          .setIssuer("citygraph-gateway")
          .setAudience("registry")
          .setSubject("mallory")
          .setJti(crypto.randomUUID())
          .setIssuedAt(iat)
          .setExpirationTime(exp)
          .sign(key);
      const now = Math.floor(Date.now() / 1000);
      const expired = await token(await testSubgraphTokenKey("registry"), now - 600, now - 300);
      const forged = await token(crypto.getRandomValues(new Uint8Array(32)), now, now + 10);
      // The gateway's own ES256 key signs ledger checkpoints, not subgraph tokens.
      const es256 = await new SignJWT(claims)
        .setProtectedHeader({ alg: "ES256", kid: gatewayKeys.privateJwk.kid })
        .setIssuer("citygraph-gateway")
        .setAudience("registry")
        .setJti(crypto.randomUUID())
        .setIssuedAt()
        .setExpirationTime("10s")
        .sign(await importJWK(gatewayKeys.privateJwk, "ES256"));
      const cases: [string, Record<string, string>][] = [
        ["none", {}],
        ["forged", { authorization: `Bearer ${forged}` }],
        ["signed with the gateway's ES256 key", { authorization: `Bearer ${es256}` }],
        ["other audience", await gatewayHeaders("health", { query })],
        ["expired", { authorization: `Bearer ${expired}` }],
        ["identity token instead of a gateway token", await bearer(ALL_SCOPES)],
      ];
      for (const [name, headers] of cases) {
        const result = await postGraphQL(url, query, undefined, headers);
        assert.equal(result.status, 401, name);
        assert.equal(result.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", name);
        assert.equal(result.data, undefined, name);
      }
    });

    it("enforces an agreement's field list again in the subgraph, field by field", async () => {
      // Query.persons and Person.district share a classification (registry INTERNAL): one is listed,
      // the other not, so they must not share a decision.
      const fields = ["Query.persons", "PersonConnection.nodes", "Person.name"];
      const query = `{ persons(first: 2) { nodes { name phone address district { code } } } }`;
      const headers = await agreementGatewayHeaders("registry", { query }, ["registry:sensitive"], fields);
      const result = await postGraphQL<{ persons: { nodes: Person[] } }>(
        stack.services.subgraphs.registry.server.url,
        query,
        undefined,
        headers,
      );
      const nodes = result.data!.persons.nodes as (Person & { address?: string | null; district?: unknown })[];
      assert.ok(nodes.every((p) => typeof p.name === "string" && !p.name.includes("*")), "the listed field in full");
      assert.ok(nodes.every((p) => p.phone === null && p.address === null && p.district === null), JSON.stringify(nodes));
      assert.ok(result.errors?.every((e) => e.extensions?.code === "FORBIDDEN"));
    });

    it("enforces again in the subgraph: a valid gateway token with too few grants gets nulls, not data", async () => {
      const query = `{ persons(first: 2) { nodes { id idNumber name } } }`;
      const result = await postGraphQL<{ persons: { nodes: Person[] } }>(
        stack.services.subgraphs.registry.server.url,
        query,
        undefined,
        await gatewayHeaders("registry", { query }, ["registry:internal", "registry:personal:masked"]),
      );
      const nodes = result.data!.persons.nodes;
      assert.ok(nodes.every((p) => p.idNumber === null));
      assert.ok(nodes.every((p) => /^\p{Script=Han}{1,2}\*+$/u.test(p.name!)), JSON.stringify(nodes));
      assert.ok(result.errors?.every((e) => e.extensions?.code === "FORBIDDEN"));
    });

    it("shows a low-scope principal only the fields it may read in introspection", async () => {
      const query = `{ __type(name: "Person") { fields { name } } }`;
      const anonymous = await as("anonymous", query);
      const anonymousFields = ((anonymous.data?.__type as { fields: { name: string }[] } | null)?.fields ?? []).map((f) => f.name);
      assert.deepEqual(anonymousFields.filter((f) => f !== "id"), [], "anonymous sees at most the pseudonymous id");
      const masked = await as("maskedPersonal", query);
      const fields = ((masked.data?.__type as { fields: { name: string }[] }).fields ?? []).map((f) => f.name);
      assert.ok(fields.includes("name") && fields.includes("phone"), fields.join());
      assert.ok(!fields.includes("idNumber") && !fields.includes("healthCode"), fields.join());
      const officer = await as("healthOfficer", query);
      const all = (officer.data?.__type as { fields: { name: string }[] }).fields.map((f) => f.name);
      assert.ok(all.includes("idNumber") && all.includes("healthCode"));
    });

    it("never suggests a field the caller cannot see", async () => {
      const result = await as("developer", `{ persons(first: 1) { nodes { idNumbr } } }`);
      assert.equal(result.status, 400);
      assert.doesNotMatch(JSON.stringify(result.errors), /idNumber|Did you mean/);
    });

    it("returns null and an error per denied field when the caller asks for partial results", async () => {
      const result = await stack.query<{ persons: { nodes: Person[] } }>(
        `{ persons(first: 2) { nodes { id idNumber } } }`,
        undefined,
        { ...(await bearer(PRINCIPALS.developer)), "x-citygraph-denied-fields": "null" },
      );
      assert.equal(result.status, 200);
      assert.equal(result.data!.persons.nodes.length, 2);
      assert.ok(result.data!.persons.nodes.every((p) => p.id && p.idNumber === null));
      assert.equal(result.errors?.length, 2);
      assert.ok(result.errors!.every((e) => e.extensions?.code === "FORBIDDEN"));
    });
  });

  describe("identity tokens", () => {
    const query = `{ districts { code } }`;
    it("answers 401 with a clear message for expired, malformed, wrongly signed and unknown-key tokens", async () => {
      const { devIdentityProvider } = await testSecurity();
      const stranger = await generateEs256();
      const cases: [string, string, RegExp][] = [
        ["expired", await signDevToken(devIdentityProvider.privateJwk, { subject: "a", scopes: [], ttl: "-1m" } as never), /expired/],
        ["malformed", "not.a.jwt", /well-formed/],
        ["unknown key", await signDevToken(stranger.privateJwk, { subject: "a", scopes: [] }), /does not trust/],
        [
          "wrong signature",
          await signDevToken({ ...stranger.privateJwk, kid: devIdentityProvider.privateJwk.kid }, { subject: "a", scopes: [] }),
          /signature/,
        ],
      ];
      for (const [name, token, message] of cases) {
        const result = await stack.query(query, undefined, { authorization: `Bearer ${token}` });
        assert.equal(result.status, 401, name);
        assert.equal(result.errors?.[0]?.extensions?.code, "UNAUTHENTICATED", name);
        assert.match(result.errors?.[0]?.message ?? "", message, name);
      }
    });

    it("treats a request without a token as anonymous: public data only", async () => {
      const result = await stack.query<{ districts: unknown[] }>(query);
      assert.equal(result.status, 200);
      assert.equal(result.data!.districts.length, 16);
    });

    it("rejects tokens that never expire", async () => {
      const { devIdentityProvider } = await testSecurity();
      const key = await importJWK(devIdentityProvider.privateJwk, "ES256");
      const eternal = await new SignJWT({ scope: "registry:sensitive" })
        .setProtectedHeader({ alg: "ES256", kid: devIdentityProvider.privateJwk.kid })
        .setSubject("mallory")
        .setIssuedAt()
        .sign(key);
      const result = await stack.query(query, undefined, { authorization: `Bearer ${eternal}` });
      assert.equal(result.status, 401);
      assert.match(result.errors?.[0]?.message ?? "", /"exp"/);
    });

    it("rejects tokens naming unknown roles or districts", async () => {
      for (const token of [
        await tokenFor({ scopes: ["role:overlord"] }),
        await tokenFor({ scopes: ["registry:personal"], districts: ["999999"] }),
      ]) {
        const result = await stack.query(query, undefined, { authorization: `Bearer ${token}` });
        assert.equal(result.status, 401);
      }
    });
  });
});
