import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { Arg, Directive, Field, Float, ID, ObjectType, Query, Resolver } from "type-graphql";
import {
  Classified,
  SqlStats,
  buildFederatedSchema,
  createLogger,
  createRedisReplayCache,
  createSubgraphApp,
  takeSubjects,
  type RequestContext,
  type SubgraphApp,
} from "@citygraph/core";
import { gatewayHeaders, testSubgraphTokenKey } from "../../../support/security.ts";
import { testRedis } from "../../../support/redis.ts";

// A subgraph with no database: persons, records that point at a person by `personId`, and a
// lookup that returns a person from a sensitive argument.

@Directive('@key(fields: "id")')
@ObjectType()
class Person {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: string;

  @Classified("PERSONAL", "NAME")
  @Field(() => String)
  name!: string;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => String)
  diagnosis!: string;
}

@ObjectType()
class Visit {
  @Classified("PUBLIC")
  @Field(() => ID)
  id!: string;

  @Classified("INTERNAL")
  @Field(() => String)
  clinic!: string;

  @Classified("SENSITIVE", "HEALTH")
  @Field(() => Float)
  temperature!: number;

  personId!: string;
}

@ObjectType()
class VisitConnection {
  @Classified("PUBLIC")
  @Field(() => [Visit])
  nodes!: Visit[];
}

const PERSONS: Person[] = [
  { id: "a000000000000001", name: "王博平", diagnosis: "flu" },
  { id: "a000000000000002", name: "欧阳娜娜", diagnosis: "cold" },
  { id: "a000000000000003", name: "张三丰", diagnosis: "none" },
];
const VISITS: Visit[] = [
  { id: "1", clinic: "east", temperature: 38.2, personId: "b000000000000001" },
  { id: "2", clinic: "west", temperature: 37.9, personId: "b000000000000002" },
];

@Resolver()
class TestResolver {
  @Classified("INTERNAL")
  @Query(() => [Person])
  persons(): Person[] {
    return PERSONS;
  }

  @Classified("INTERNAL")
  @Query(() => [Visit])
  visits(): Visit[] {
    return VISITS;
  }

  @Classified("SENSITIVE", "ID_NUMBER")
  @Query(() => Person, { nullable: true })
  personByIdNumber(@Arg("idNumber", () => String) _idNumber: string): Person | undefined {
    return PERSONS[1];
  }

  @Classified("SENSITIVE", "HEALTH")
  @Query(() => VisitConnection)
  feverVisits(): VisitConnection {
    return { nodes: VISITS };
  }

  @Classified("SENSITIVE", "HEALTH")
  @Query(() => [Visit])
  feverVisitList(): Visit[] {
    return VISITS;
  }

  @Classified("PUBLIC")
  @Query(() => String)
  hello(): string {
    return "hello";
  }
}

interface Body {
  data?: Record<string, unknown>;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

// The real shared store for used token ids, Redis: one found or started for this file (skipped,
// saying why, only where neither is possible).
const redis = await testRedis();

describe("subgraph data subjects", { skip: redis.kind === "absent" && redis.reason }, () => {
  let app: SubgraphApp;
  let url: string;
  const post = async (query: string, scopes: readonly string[] | null): Promise<Body> => {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...(await gatewayHeaders("registry", { query }, scopes)) },
      body: JSON.stringify({ query }),
    });
    return (await response.json()) as Body;
  };
  const subjectsOf = (body: Body) => {
    const extension = body.extensions?.citygraph as { subjects?: string[] } | undefined;
    return extension?.subjects ? [...extension.subjects].sort() : undefined;
  };

  before(async () => {
    app = await createSubgraphApp<RequestContext>({
      name: "registry",
      schema: await buildFederatedSchema<RequestContext>({ resolvers: [TestResolver] }),
      log: createLogger({ test: true }, "error"),
      stats: new SqlStats(),
      gatewayTokenKey: await testSubgraphTokenKey("registry"),
      // The real shared store (no database in this test): each request's token is claimed in Redis.
      replay: createRedisReplayCache(redis.kind === "ready" ? redis.url : "", `test-${randomUUID()}`),
      createContext: (base) => base,
      ready: async () => true,
      dispose: async () => undefined,
    });
    url = (await app.listen(0)).url;
  });
  after(async () => {
    await app?.close();
    if (redis.kind === "ready") await redis.stop();
  });

  it("reports the persons whose personal data was read in full", async () => {
    const body = await post(`{ persons { id name } }`, ["registry:personal"]);
    assert.equal(body.errors, undefined);
    assert.deepEqual(subjectsOf(body), PERSONS.map((p) => p.id).sort());
  });

  it("adds no extension when only public and internal fields were read", async () => {
    for (const [query, scopes] of [
      [`{ hello }`, null],
      [`{ persons { id } visits { id clinic } }`, ["registry:internal"]],
    ] as const) {
      const body = await post(query, scopes);
      assert.equal(body.errors, undefined, query);
      assert.equal(body.extensions, undefined, query);
    }
  });

  it("counts masked reads as returned", async () => {
    const body = await post(`{ persons { id name } }`, ["registry:internal", "registry:personal:masked"]);
    assert.equal(body.errors, undefined);
    assert.deepEqual(
      (body.data!.persons as { name: string }[]).map((p) => p.name),
      ["王**", "欧阳**", "张**"],
    );
    assert.deepEqual(subjectsOf(body), PERSONS.map((p) => p.id).sort());
  });

  it("does not count denied fields", async () => {
    // HEALTH has no masking rule: a masked sensitive grant leaves it denied.
    const body = await post(`{ persons { id diagnosis } }`, ["registry:internal", "registry:sensitive:masked"]);
    assert.ok(body.errors?.length && body.errors.every((e) => e.extensions?.code === "FORBIDDEN"));
    assert.ok((body.data!.persons as { diagnosis: unknown }[]).every((p) => p.diagnosis === null));
    assert.equal(body.extensions, undefined);
  });

  it("takes the person from the parent's personId", async () => {
    const body = await post(`{ visits { id temperature } }`, ["registry:sensitive"]);
    assert.equal(body.errors, undefined);
    assert.deepEqual(subjectsOf(body), VISITS.map((v) => v.personId).sort());
  });

  it("counts the person a personal field returns, even with only public fields selected", async () => {
    const body = await post(`{ personByIdNumber(idNumber: "x") { id } }`, ["registry:sensitive"]);
    assert.equal(body.errors, undefined);
    assert.deepEqual(subjectsOf(body), [PERSONS[1]!.id]);
  });

  it("counts the persons of the rows a personal list or connection returns", async () => {
    for (const query of [`{ feverVisits { nodes { id } } }`, `{ feverVisitList { id } }`]) {
      const body = await post(query, ["registry:sensitive"]);
      assert.equal(body.errors, undefined, query);
      assert.deepEqual(subjectsOf(body), VISITS.map((v) => v.personId).sort(), query);
    }
  });

  it("reports each person once, whatever the number of fields read", async () => {
    const body = await post(`{ persons { name diagnosis again: name } }`, ["registry:sensitive"]);
    assert.equal(body.errors, undefined);
    const subjects = (body.extensions!.citygraph as { subjects: string[] }).subjects;
    assert.equal(subjects.length, PERSONS.length);
  });
});

describe("takeSubjects", () => {
  it("returns the subjects and strips them, keeping other extensions", () => {
    const response: { extensions?: Record<string, unknown> } = {
      extensions: { citygraph: { subjects: ["p1", "p2", 3], other: 1 }, tracing: true },
    };
    assert.deepEqual(takeSubjects(response), ["p1", "p2"]);
    assert.deepEqual(response.extensions, { citygraph: { other: 1 }, tracing: true });
  });

  it("removes extensions that held nothing else", () => {
    const response: { extensions?: Record<string, unknown> } = { extensions: { citygraph: { subjects: ["p1"] } } };
    assert.deepEqual(takeSubjects(response), ["p1"]);
    assert.equal("extensions" in response, false);
  });

  it("ignores responses without subjects and malformed ones", () => {
    assert.deepEqual(takeSubjects({}), []);
    assert.deepEqual(takeSubjects({ extensions: { citygraph: "x" } }), []);
    const malformed: { extensions?: Record<string, unknown> } = { extensions: { citygraph: { subjects: "p1" } } };
    assert.deepEqual(takeSubjects(malformed), []);
    assert.equal(malformed.extensions, undefined, "a malformed list is still stripped");
  });
});
