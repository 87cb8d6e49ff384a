import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { grantSetOf, makeCreditCode, type Principal } from "@citygraph/core";
import { postGraphQL, startStack, type GraphQLResponse, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer, GatewayCaller, tokenFor } from "../../../support/security.ts";

const REPO_ROOT = fileURLToPath(new URL("../../../../", import.meta.url));
const ADMIN = ["governance:admin"];
const DAY = 86_400_000;

const AGREEMENT = `id title status statusReason purposes legalBasis scopes allowedFields districts validFrom validUntil
  requestsPerMinute recordsPerDay createdBy createdAt approvedBy approvedAt updatedBy updatedAt
  organization { id name creditCode }
  operations { name sha256 document registeredBy }
  apiKeys { id createdAt createdBy revokedAt revokedBy }`;

interface Agreement {
  id: string;
  status: string;
  statusReason: string | null;
  createdBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  updatedBy: string | null;
  scopes: string[];
  purposes: string[];
  organization: { id: string; name: string };
  operations: { name: string; sha256: string; document: string; registeredBy: string }[];
  apiKeys: { id: string; createdBy: string; revokedAt: string | null; revokedBy: string | null }[];
}

/** Data-operation agreements, administered through the gateway by two different administrators. */
describe("data-operation agreements", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  /** Headers of two administrators (governance:admin) and of callers who are not. */
  const as: Record<"alice" | "bob" | "officer" | "anonymous", Record<string, string>> = {
    alice: {},
    bob: {},
    officer: {},
    anonymous: {},
  };
  let organizationId: string;
  let serial = 1_000;

  const call = <T = Record<string, unknown>>(who: keyof typeof as, query: string, variables?: Record<string, unknown>) =>
    stack.query<T>(query, variables, as[who]);

  function ok<T>(response: GraphQLResponse<T>): T {
    assert.equal(response.errors, undefined, JSON.stringify(response.errors));
    return response.data!;
  }

  function errorOf(response: GraphQLResponse<unknown>) {
    const error = response.errors?.[0];
    return { code: error?.extensions?.code, argumentName: error?.extensions?.argumentName, message: error?.message ?? "" };
  }

  function input(overrides: Record<string, unknown> = {}) {
    return {
      organizationId,
      title: "Epidemic-prevention analytics for the 2026 season",
      purposes: ["epidemic-prevention", "public-health-statistics"],
      legalBasis: "Zhengzhou Municipal Health Commission decision 2026-17",
      scopes: ["health:internal", "registry:personal:masked"],
      allowedFields: ["Person.name", "Person.healthCode"],
      districts: ["410105"],
      validFrom: new Date(Date.now() - DAY).toISOString(),
      validUntil: new Date(Date.now() + 180 * DAY).toISOString(),
      requestsPerMinute: 60,
      recordsPerDay: 10_000,
      ...overrides,
    };
  }

  async function createOrganization(name: string): Promise<string> {
    const data = ok(
      await call<{ createOrganization: { id: string } }>(
        "alice",
        `mutation($name: String!, $code: String!) { createOrganization(name: $name, creditCode: $code) { id name creditCode } }`,
        { name, code: makeCreditCode("410105", serial++) },
      ),
    );
    return data.createOrganization.id;
  }

  async function createAgreement(who: keyof typeof as = "alice", overrides: Record<string, unknown> = {}) {
    return call<{ createAgreement: Agreement }>(
      who,
      `mutation($input: CreateAgreementInput!) { createAgreement(input: $input) { ${AGREEMENT} } }`,
      { input: input(overrides) },
    );
  }

  async function draft(overrides: Record<string, unknown> = {}): Promise<Agreement> {
    return ok(await createAgreement("alice", overrides)).createAgreement;
  }

  async function active(): Promise<Agreement> {
    const agreement = await draft();
    ok(await approve("bob", agreement.id));
    return agreement;
  }

  const approve = (who: keyof typeof as, id: string) =>
    call<{ approveAgreement: Agreement }>(who, `mutation($id: ID!) { approveAgreement(id: $id) { ${AGREEMENT} } }`, { id });
  const suspend = (who: keyof typeof as, id: string, reason = "Suspected misuse under review") =>
    call<{ suspendAgreement: Agreement }>(
      who,
      `mutation($id: ID!, $reason: String!) { suspendAgreement(id: $id, reason: $reason) { ${AGREEMENT} } }`,
      { id, reason },
    );
  const resume = (who: keyof typeof as, id: string) =>
    call<{ resumeAgreement: Agreement }>(who, `mutation($id: ID!) { resumeAgreement(id: $id) { ${AGREEMENT} } }`, { id });
  const revoke = (who: keyof typeof as, id: string, reason = "Contract ended") =>
    call<{ revokeAgreement: Agreement }>(
      who,
      `mutation($id: ID!, $reason: String!) { revokeAgreement(id: $id, reason: $reason) { ${AGREEMENT} } }`,
      { id, reason },
    );
  const issueKey = (who: keyof typeof as, agreementId: string, rotate = false) =>
    call<{ key: { key: string; apiKey: { id: string; createdBy: string; revokedAt: string | null } } }>(
      who,
      `mutation($id: ID!) { key: ${rotate ? "rotateApiKey" : "issueApiKey"}(agreementId: $id) { key apiKey { id createdAt createdBy revokedAt } } }`,
      { id: agreementId },
    );
  const show = async (id: string) =>
    ok(await call<{ agreement: Agreement | null }>("alice", `query($id: ID!) { agreement(id: $id) { ${AGREEMENT} } }`, { id })).agreement;

  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    as.alice = { authorization: `Bearer ${await tokenFor({ subject: "admin.alice", scopes: ADMIN })}` };
    as.bob = { authorization: `Bearer ${await tokenFor({ subject: "admin.bob", scopes: ADMIN })}` };
    as.officer = await bearer(ALL_SCOPES);
    organizationId = await createOrganization("郑州数智健康科技有限公司");
  });

  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  it("takes an agreement from draft through four-eyes approval, keys, suspension and resumption to revocation", async () => {
    const created = await draft();
    assert.equal(created.status, "DRAFT");
    assert.equal(created.createdBy, "admin.alice");
    assert.equal(created.approvedBy, null);
    assert.equal(created.organization.id, organizationId);

    // Four eyes: the administrator who drafted it may not approve it.
    const selfApproval = await approve("alice", created.id);
    assert.equal(errorOf(selfApproval).code, "FORBIDDEN");
    assert.match(errorOf(selfApproval).message, /four eyes.*different administrator/i);
    assert.equal((await show(created.id))!.status, "DRAFT");

    // A DRAFT gets no keys.
    assert.equal(errorOf(await issueKey("alice", created.id)).code, "AGREEMENT_STATE_CONFLICT");

    const approved = ok(await approve("bob", created.id)).approveAgreement;
    assert.equal(approved.status, "ACTIVE");
    assert.equal(approved.approvedBy, "admin.bob");
    assert.ok(approved.approvedAt);

    const issued = ok(await issueKey("alice", created.id)).key;
    assert.match(issued.key, /^cgk_[a-z2-7]{12}\.[A-Za-z0-9_-]{43}$/);
    const [keyId, secret] = issued.key.split(".") as [string, string];
    assert.equal(issued.apiKey.id, keyId);
    assert.equal(issued.apiKey.createdBy, "admin.alice");
    // Stored hashed: the database holds SHA-256(secret), and the secret nowhere.
    const { rows } = await pool.query("SELECT * FROM governance.api_key WHERE id = $1", [keyId]);
    assert.equal(rows.length, 1);
    assert.equal(rows[0].secret_hash, createHash("sha256").update(secret).digest("hex"));
    assert.ok(!JSON.stringify(rows[0]).includes(secret));
    const everywhere = await pool.query(
      `SELECT count(*)::int AS n FROM governance.api_key k JOIN governance.agreement a ON a.id = k.agreement_id
       WHERE row_to_json(k)::text LIKE '%' || $1 || '%' OR row_to_json(a)::text LIKE '%' || $1 || '%'`,
      [secret],
    );
    assert.equal(everywhere.rows[0].n, 0);
    // And it is never readable again: the agreement lists the key's id and history only.
    const listed = (await show(created.id))!;
    assert.deepEqual(listed.apiKeys.map((k) => k.id), [keyId]);
    assert.ok(!JSON.stringify(listed).includes(secret));

    const suspended = ok(await suspend("alice", created.id, "Audit of March requests")).suspendAgreement;
    assert.equal(suspended.status, "SUSPENDED");
    assert.equal(suspended.statusReason, "Audit of March requests");
    assert.equal(suspended.updatedBy, "admin.alice");

    // Four eyes again: who suspended may not resume.
    const selfResume = await resume("alice", created.id);
    assert.equal(errorOf(selfResume).code, "FORBIDDEN");
    assert.match(errorOf(selfResume).message, /suspended/);
    const resumed = ok(await resume("bob", created.id)).resumeAgreement;
    assert.equal(resumed.status, "ACTIVE");
    assert.equal(resumed.statusReason, null);
    assert.equal(resumed.updatedBy, "admin.bob");

    const rotated = ok(await issueKey("bob", created.id, true)).key;
    assert.notEqual(rotated.apiKey.id, keyId);
    const keys = (await show(created.id))!.apiKeys;
    assert.equal(keys.find((k) => k.id === keyId)?.revokedBy, "admin.bob");
    assert.equal(keys.find((k) => k.id === rotated.apiKey.id)?.revokedAt, null);

    const revoked = ok(await revoke("alice", created.id, "Contract terminated")).revokeAgreement;
    assert.equal(revoked.status, "REVOKED");
    assert.equal(revoked.statusReason, "Contract terminated");
    assert.ok(revoked.apiKeys.every((k) => k.revokedAt !== null), "revoking the agreement revokes its keys");

    // Revocation is final.
    for (const response of [await resume("bob", created.id), await approve("bob", created.id), await revoke("bob", created.id)]) {
      assert.equal(errorOf(response).code, "AGREEMENT_STATE_CONFLICT");
    }
    const conflict = (await resume("bob", created.id)).errors?.[0];
    assert.equal(conflict?.extensions?.status, "REVOKED");
    assert.equal(errorOf(await issueKey("bob", created.id)).code, "AGREEMENT_STATE_CONFLICT");
  });

  it("refuses status changes the lifecycle does not allow, with AGREEMENT_STATE_CONFLICT", async () => {
    const agreement = await draft();
    assert.equal(errorOf(await suspend("bob", agreement.id)).code, "AGREEMENT_STATE_CONFLICT");
    assert.equal(errorOf(await resume("bob", agreement.id)).code, "AGREEMENT_STATE_CONFLICT");
    ok(await approve("bob", agreement.id));
    const again = await approve("bob", agreement.id);
    assert.equal(errorOf(again).code, "AGREEMENT_STATE_CONFLICT");
    assert.equal(again.errors?.[0]?.extensions?.status, "ACTIVE");
    assert.equal(errorOf(await resume("bob", agreement.id)).code, "AGREEMENT_STATE_CONFLICT");
    // A draft may be revoked (withdrawn) without ever being active.
    const withdrawn = await draft();
    assert.equal(ok(await revoke("alice", withdrawn.id, "Withdrawn")).revokeAgreement.status, "REVOKED");
  });

  it("revokes a single API key, and revoking it again changes nothing", async () => {
    const agreement = await active();
    const { apiKey } = ok(await issueKey("alice", agreement.id)).key;
    const revokeKey = (who: keyof typeof as, id: string) =>
      call<{ revokeApiKey: { id: string; revokedAt: string | null; revokedBy: string | null } }>(
        who,
        `mutation($id: ID!) { revokeApiKey(id: $id) { id revokedAt revokedBy } }`,
        { id },
      );
    const first = ok(await revokeKey("alice", apiKey.id)).revokeApiKey;
    assert.equal(first.revokedBy, "admin.alice");
    assert.ok(first.revokedAt);
    const second = ok(await revokeKey("bob", apiKey.id)).revokeApiKey;
    assert.deepEqual(second, first);
    assert.deepEqual(errorOf(await revokeKey("alice", "cgk_aaaaaaaaaaaa")), {
      code: "BAD_USER_INPUT",
      argumentName: "id",
      message: 'Invalid argument "id": no API key has this id',
    });
    assert.equal(errorOf(await revokeKey("alice", "not-a-key")).argumentName, "id");
  });

  it("names the argument of every validation error", async () => {
    const past = new Date(Date.now() - 2 * DAY).toISOString();
    const cases: [string, Record<string, unknown>, string][] = [
      ["no purpose", { purposes: [] }, "input.purposes"],
      ["a purpose that is not a lowercase-hyphen code", { purposes: ["Epidemic Prevention"] }, "input.purposes"],
      ["a purpose with a trailing hyphen", { purposes: ["epidemic-"] }, "input.purposes"],
      ["no scope", { scopes: [] }, "input.scopes"],
      ["governance:admin as a scope", { scopes: ["governance:admin"] }, "input.scopes"],
      ["audit:read as a scope", { scopes: ["health:internal", "audit:read"] }, "input.scopes"],
      ["an unknown owner", { scopes: ["police:internal"] }, "input.scopes"],
      ["an unknown level", { scopes: ["health:secret"] }, "input.scopes"],
      ["a role", { scopes: ["role:health-officer"] }, "input.scopes"],
      ["a field that is not a coordinate", { allowedFields: ["persons"] }, "input.allowedFields"],
      ["a field the supergraph lacks", { allowedFields: ["Person.shoeSize"] }, "input.allowedFields"],
      ["a district outside the city", { districts: ["110101"] }, "input.districts"],
      ["a malformed district", { districts: ["4101"] }, "input.districts"],
      ["validFrom after validUntil", { validFrom: new Date(Date.now() + 10 * DAY).toISOString(), validUntil: new Date(Date.now() + 5 * DAY).toISOString() }, "input.validUntil"],
      ["validUntil in the past", { validFrom: new Date(Date.now() - 5 * DAY).toISOString(), validUntil: past }, "input.validUntil"],
      ["zero requests per minute", { requestsPerMinute: 0 }, "input.requestsPerMinute"],
      ["negative records per day", { recordsPerDay: -5 }, "input.recordsPerDay"],
      ["an empty title", { title: "  " }, "input.title"],
      ["an empty legal basis", { legalBasis: "" }, "input.legalBasis"],
      ["a malformed organization id", { organizationId: "42" }, "input.organizationId"],
      ["an unknown organization", { organizationId: "00000000-0000-4000-8000-000000000000" }, "input.organizationId"],
    ];
    for (const [what, overrides, argumentName] of cases) {
      const response = await createAgreement("alice", overrides);
      assert.deepEqual(
        [errorOf(response).code, errorOf(response).argumentName],
        ["BAD_USER_INPUT", argumentName],
        `${what}: ${JSON.stringify(response.errors)}`,
      );
      assert.ok(errorOf(response).message.includes(argumentName), what);
    }

    const organization = (name: string, creditCode: string) =>
      call("alice", `mutation($n: String!, $c: String!) { createOrganization(name: $n, creditCode: $c) { id } }`, { n: name, c: creditCode });
    assert.equal(errorOf(await organization("Acme", "91410105MA44XXXXX1")).argumentName, "creditCode");
    assert.equal(errorOf(await organization(" ", makeCreditCode("410105", serial++))).argumentName, "name");
    const code = makeCreditCode("410105", serial++);
    ok(await organization("First of its code", code));
    assert.equal(errorOf(await organization("Second of its code", code)).argumentName, "creditCode");

    const agreement = await draft();
    for (const [mutation, variables, argumentName] of [
      ["approveAgreement(id: $id)", { id: "nope" }, "id"],
      ["approveAgreement(id: $id)", { id: "00000000-0000-4000-8000-000000000000" }, "id"],
      ["suspendAgreement(id: $id, reason: \"  \")", { id: agreement.id }, "reason"],
      ["revokeAgreement(id: $id, reason: \"\")", { id: agreement.id }, "reason"],
      ["issueApiKey(agreementId: $id) { key }", { id: "00000000-0000-4000-8000-000000000000" }, "agreementId"],
    ] as const) {
      const selection = mutation.includes("{") ? "" : " { id }";
      const response = await call("alice", `mutation($id: ID!) { ${mutation}${selection} }`, variables);
      assert.deepEqual([errorOf(response).code, errorOf(response).argumentName], ["BAD_USER_INPUT", argumentName], mutation);
    }
    const list = await call("alice", `{ agreements(first: 500) { nodes { id } } }`);
    assert.equal(errorOf(list).argumentName, "first");
    const cursor = await call("alice", `{ agreements(after: "garbage") { nodes { id } } }`);
    assert.equal(errorOf(cursor).argumentName, "after");
  });

  it("refuses an agreement whose own grants would undo one of its masks, naming the pair", async () => {
    // A masked ID number beside birth dates in full: the hidden digits are the birth date.
    for (const [overrides, argumentName] of [
      [{ scopes: ["registry:personal", "registry:sensitive:masked"], allowedFields: [] }, "input.scopes"],
      [{ scopes: ["registry:personal", "registry:sensitive:masked"], allowedFields: ["Person.idNumber", "Person.birthDate"] }, "input.allowedFields"],
    ] as const) {
      const response = await createAgreement("alice", overrides);
      assert.deepEqual([errorOf(response).code, errorOf(response).argumentName], ["BAD_USER_INPUT", argumentName], JSON.stringify(response.errors));
      assert.match(errorOf(response).message, /Person\.idNumber would be masked, but Person\.birthDate.* reveal what the mask hides/);
    }
    // Without the birth date in its field list the masked ID number is safe and the agreement stands.
    const safe = await draft({ scopes: ["registry:personal", "registry:sensitive:masked"], allowedFields: ["Person.idNumber", "Person.name"] });
    assert.equal(safe.status, "DRAFT");
  });

  it("previews a draft's grants field by field, as the holder will read them, for administrators only", async () => {
    type Preview = { agreementGrantPreview: { fields: { coordinate: string; level: string; kind: string | null; access: string }[]; problem: string | null } };
    const PREVIEW = `query($scopes: [String!]!, $fields: [String!]) {
      agreementGrantPreview(scopes: $scopes, allowedFields: $fields) { fields { coordinate level kind access } problem }
    }`;
    const preview = async (scopes: string[], fields?: string[]) => ok(await call<Preview>("alice", PREVIEW, { scopes, fields })).agreementGrantPreview;
    const accessOf = (p: Preview["agreementGrantPreview"]) => new Map(p.fields.map((f) => [f.coordinate, f.access]));

    // The whole catalog, sensitive fields included, whatever the administrator may read themselves.
    const none = accessOf(await preview([]));
    assert.equal(none.get("Person.idNumber"), "DENIED");
    assert.equal(none.get("District.name"), "FULL", "PUBLIC fields are open to any holder");

    const narrowed = accessOf(await preview(["registry:personal", "registry:sensitive:masked"], ["Person.name", "Person.idNumber"]));
    assert.equal(narrowed.get("Person.name"), "FULL");
    assert.equal(narrowed.get("Person.idNumber"), "MASKED");
    assert.equal(narrowed.get("Person.birthDate"), "DENIED", "the field list narrows the scopes");

    // What createAgreement would refuse is named, and shown as the holder would get it: denied.
    const undone = await preview(["registry:personal", "registry:sensitive:masked"], ["Person.idNumber", "Person.birthDate"]);
    assert.match(undone.problem ?? "", /Person\.idNumber would be masked, but Person\.birthDate/);
    assert.equal(accessOf(undone).get("Person.idNumber"), "DENIED");
    const refused = await createAgreement("alice", { scopes: ["registry:personal", "registry:sensitive:masked"], allowedFields: ["Person.idNumber", "Person.birthDate"] });
    assert.equal(errorOf(refused).code, "BAD_USER_INPUT", "the preview's problem is createAgreement's refusal");

    for (const [scopes, fields, argumentName] of [
      [["audit:read"], undefined, "scopes"],
      [["registry:everything"], undefined, "scopes"],
      [["registry:personal"], ["Person.nope"], "allowedFields"],
      [["registry:personal"], ["not a coordinate"], "allowedFields"],
    ] as const) {
      const response = await call("alice", PREVIEW, { scopes, fields });
      assert.deepEqual([errorOf(response).code, errorOf(response).argumentName], ["BAD_USER_INPUT", argumentName], JSON.stringify(response.errors));
    }
    for (const who of ["officer", "anonymous"] as const) {
      const response = await call(who, PREVIEW, { scopes: [] });
      assert.equal(response.data, undefined, who);
      assert.ok(["FORBIDDEN", "GRAPHQL_VALIDATION_FAILED"].includes(String(errorOf(response).code)), `${who}: ${JSON.stringify(response.errors)}`);
    }
  });

  it("registers persisted operations by the SHA-256 of their exact text, and refuses what is not one query", async () => {
    const agreement = await draft({ scopes: ["registry:internal", "registry:personal:masked"], allowedFields: [] });
    const document = "query FeverClinicVisits($first: Int) {\n  persons(first: $first) { nodes { name } }\n}\n";
    const register = (name: string, text: string, id = agreement.id) =>
      call<{ registerOperation: { name: string; sha256: string; registeredBy: string } }>(
        "bob",
        `mutation($id: ID!, $name: String!, $doc: String!) { registerOperation(agreementId: $id, name: $name, document: $doc) { name sha256 registeredBy } }`,
        { id, name, doc: text },
      );
    const registered = ok(await register("FeverClinicVisits", document)).registerOperation;
    assert.equal(registered.sha256, createHash("sha256").update(document, "utf8").digest("hex"));
    assert.equal(registered.registeredBy, "admin.bob");
    const stored = (await show(agreement.id))!.operations;
    assert.deepEqual(stored.map((o) => [o.name, o.document]), [["FeverClinicVisits", document]]);

    const cases: [string, string, string, string][] = [
      ["a document that does not parse", "Broken", "query {", "document"],
      ["a mutation", "Create", "mutation { createOrganization(name: \"x\", creditCode: \"y\") { id } }", "document"],
      ["two operations", "Two", "query A { persons { nodes { id } } } query B { districts { code } }", "document"],
      ["an empty document", "Empty", "   ", "document"],
      ["a name that is not a GraphQL name", "fever clinic", "{ districts { code } }", "name"],
      ["a name taken already", "FeverClinicVisits", "{ districts { code } }", "name"],
      ["a document registered already", "SameAgain", document, "document"],
      ["a field the API schema lacks", "Shoes", "{ persons { nodes { shoeSize } } }", "document"],
    ];
    for (const [what, name, text, argumentName] of cases) {
      const response = await register(name, text);
      assert.deepEqual([errorOf(response).code, errorOf(response).argumentName], ["BAD_USER_INPUT", argumentName], what);
    }
    // An operation the agreement could never run is refused, naming each field and what it needs;
    // a masked grant is enough (the holder reads the field masked).
    const ungranted = errorOf(await register("IdNumbers", "{ persons { nodes { name idNumber healthCode { color } } } }"));
    assert.equal(ungranted.code, "BAD_USER_INPUT");
    assert.match(ungranted.message, /Person\.idNumber needs registry:sensitive/);
    assert.match(ungranted.message, /Person\.healthCode needs health:sensitive/);
    assert.doesNotMatch(ungranted.message, /Person\.name/, "a masked grant reads the name");
    const listed = await draft({ scopes: ["registry:internal", "registry:personal"], allowedFields: ["Person.name"] });
    assert.match(errorOf(await register("Unlisted", document, listed.id)).message, /Query\.persons needs .*lists this field/, "a field list narrows the scopes");
    // The gateway's own reach: through fragments, and arguments that compare against a field.
    const throughFragment = "query Hidden { ...F } fragment F on Query { persons { nodes { ... on Person { idNumber } } } }";
    assert.match(errorOf(await register("Hidden", throughFragment)).message, /Person\.idNumber needs registry:sensitive/);
    const narrow = await draft({ scopes: ["registry:internal"], allowedFields: ["Query.persons", "PersonConnection.nodes", "Person.id"] });
    ok(await register("Ids", "{ persons { nodes { id } } }", narrow.id));
    const byCommunity = errorOf(await register("ByCommunity", '{ persons(community: "4101050010") { nodes { id } } }', narrow.id));
    assert.match(byCommunity.message, /Query\.persons\(community:\) needs/, "filtering by a field the agreement cannot read would confirm its values");
    assert.match(errorOf(await register("Types", "{ __schema { types { name } } }")).message, /must not introspect/);
    // A trailing newline is a different text, hence a different hash: the hash is of the exact bytes.
    const variant = ok(await register("FeverClinicVisitsTrimmed", document.trimEnd())).registerOperation;
    assert.notEqual(variant.sha256, registered.sha256);

    ok(await revoke("alice", agreement.id));
    assert.equal(errorOf(await register("Late", "{ districts { code } }")).code, "AGREEMENT_STATE_CONFLICT");
  });

  it("reads an agreement whose validUntil has passed as EXPIRED", async () => {
    const agreement = await active();
    await pool.query(
      "UPDATE governance.agreement SET valid_from = now() - interval '30 days', valid_until = now() - interval '1 day' WHERE id = $1",
      [agreement.id],
    );
    assert.equal((await show(agreement.id))!.status, "EXPIRED");
    const byStatus = async (status: string) =>
      ok(await call<{ agreements: { nodes: { id: string }[] } }>("alice", `query($s: AgreementStatus) { agreements(status: $s, first: 100) { nodes { id } } }`, { s: status }))
        .agreements.nodes.map((a) => a.id);
    assert.ok((await byStatus("EXPIRED")).includes(agreement.id));
    assert.ok(!(await byStatus("ACTIVE")).includes(agreement.id));
    for (const response of [await suspend("alice", agreement.id), await issueKey("alice", agreement.id)]) {
      assert.equal(errorOf(response).code, "AGREEMENT_STATE_CONFLICT");
      assert.equal(response.errors?.[0]?.extensions?.status, "EXPIRED");
    }
    // An expired agreement can still be revoked for good.
    assert.equal(ok(await revoke("bob", agreement.id)).revokeAgreement.status, "REVOKED");
  });

  it("refuses callers without governance:admin with FORBIDDEN, before anything runs", async () => {
    const agreement = await draft();
    const attempts = [
      `{ agreements { nodes { id } } }`,
      `{ organizations { nodes { id } } }`,
      `{ agreement(id: "${agreement.id}") { id } }`,
      `mutation { approveAgreement(id: "${agreement.id}") { id } }`,
      `mutation { issueApiKey(agreementId: "${agreement.id}") { key } }`,
      `mutation { createOrganization(name: "Intruder", creditCode: "${makeCreditCode("410105", serial++)}") { id } }`,
    ];
    for (const who of ["officer", "anonymous"] as const) {
      for (const query of attempts) {
        const response = await call(who, query);
        // To an anonymous caller the administration's fields do not exist at all.
        const [status, code] = who === "anonymous" ? [400, "GRAPHQL_VALIDATION_FAILED"] : [403, "FORBIDDEN"];
        assert.equal(response.status, status, `${who}: ${query}`);
        assert.equal(errorOf(response).code, code, `${who}: ${query}`);
      }
    }
    assert.equal((await show(agreement.id))!.status, "DRAFT");
  });

  it("refuses agreement principals even when a token claims governance:admin (subgraph check)", async () => {
    const agreement = await draft();
    const principal: Principal = {
      kind: "agreement",
      subject: "cgk_aaaaaaaaaaaa",
      org: organizationId,
      agreementId: agreement.id,
      purpose: "epidemic-prevention",
      scopes: ADMIN,
      grants: grantSetOf(ADMIN),
    };
    const query = `mutation($id: ID!) { approveAgreement(id: $id) { id } }`;
    const variables = { id: agreement.id };
    const headers = await new GatewayCaller("governance", principal).headersFor({ query, variables });
    const url = stack.services.subgraphs.governance.server.url;
    const response = await postGraphQL(url, query, variables, headers);
    assert.equal(errorOf(response).code, "FORBIDDEN");
    assert.equal((await show(agreement.id))!.status, "DRAFT");
  });

  it("pages through agreements newest first with keyset cursors, filtered by status and organization", async () => {
    const other = await createOrganization("郑州城市交通规划研究院");
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) mine.push((await draft({ organizationId: other, title: `Traffic study ${i}` })).id);
    ok(await approve("bob", mine[1]!));
    ok(await approve("bob", mine[3]!));

    type AgreementPage = {
      nodes: { id: string; status: string; organization: { id: string } }[];
      pageInfo: { endCursor: string | null; hasNextPage: boolean };
    };
    const page = (variables: Record<string, unknown>) =>
      call<{ agreements: AgreementPage }>(
        "alice",
        `query($first: Int, $after: String, $status: AgreementStatus, $org: ID) {
          agreements(first: $first, after: $after, status: $status, organization: $org) {
            nodes { id status organization { id } } pageInfo { endCursor hasNextPage } } }`,
        variables,
      );
    const seen: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const { nodes, pageInfo }: AgreementPage = ok(await page({ first: 2, after, org: other })).agreements;
      assert.ok(nodes.length <= 2);
      seen.push(...nodes.map((n) => n.id));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    assert.deepEqual(seen, [...mine].reverse(), "every agreement of the organization once, newest first");

    const activeOnes = ok(await page({ first: 100, org: other, status: "ACTIVE" })).agreements.nodes;
    assert.deepEqual(activeOnes.map((a) => a.id).sort(), [mine[1], mine[3]].sort());
    assert.ok(activeOnes.every((a) => a.status === "ACTIVE" && a.organization.id === other));
    const drafts = ok(await page({ first: 100, org: other, status: "DRAFT" })).agreements.nodes;
    assert.equal(drafts.length, 3);

    const all = ok(await page({ first: 100 })).agreements.nodes;
    assert.ok(all.some((a) => a.organization.id === organizationId) && all.some((a) => a.organization.id === other));

    const orgs = ok(
      await call<{ organizations: { nodes: { id: string; creditCode: string }[] } }>("alice", `{ organizations(first: 100) { nodes { id creditCode } } }`),
    ).organizations.nodes;
    assert.ok(orgs.some((o) => o.id === other));
    assert.deepEqual(orgs.map((o) => o.creditCode), orgs.map((o) => o.creditCode).sort());
  });

  it("issues keys the gateway admits third parties with, until the agreement is suspended, rotated away or revoked", async () => {
    const operation = "query Residents { persons(first: 3) { nodes { id name } } }";
    const agreement = await draft({ scopes: ["registry:internal", "registry:personal:masked"], allowedFields: [], districts: [] });
    ok(
      await call("bob", `mutation($id: ID!, $doc: String!) { registerOperation(agreementId: $id, name: "Residents", document: $doc) { sha256 } }`, {
        id: agreement.id,
        doc: operation,
      }),
    );
    ok(await approve("bob", agreement.id));
    const { key } = ok(await issueKey("alice", agreement.id)).key;
    const thirdParty = async (apiKey: string) => {
      const response = await fetch(stack.gatewayUrl, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": apiKey, "x-purpose": "epidemic-prevention" },
        body: JSON.stringify({
          extensions: { persistedQuery: { version: 1, sha256Hash: createHash("sha256").update(operation).digest("hex") } },
        }),
      });
      const body = (await response.json()) as { data?: { persons: { nodes: { name: string }[] } }; errors?: { extensions?: { code?: string } }[] };
      return { status: response.status, code: body.errors?.[0]?.extensions?.code, body };
    };

    const admitted = await thirdParty(key);
    assert.equal(admitted.status, 200, JSON.stringify(admitted.body));
    assert.equal(admitted.body.data?.persons.nodes.length, 3);

    ok(await suspend("alice", agreement.id));
    assert.equal((await thirdParty(key)).status, 403);
    ok(await resume("bob", agreement.id));
    assert.equal((await thirdParty(key)).status, 200);

    const rotated = ok(await issueKey("bob", agreement.id, true)).key;
    assert.equal((await thirdParty(key)).status, 401, "the rotated-away key no longer works");
    assert.equal((await thirdParty(rotated.key)).status, 200);

    ok(await revoke("alice", agreement.id));
    assert.notEqual((await thirdParty(rotated.key)).status, 200);
  });

  it("lists agreements from the command line through the gateway", async () => {
    const agreement = await draft({ title: "Command-line smoke test" });
    const token = as.alice.authorization!.slice("Bearer ".length);
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, ["bin/citygraph.mjs", "agreement", ...args, "--url", stack.gatewayUrl, "--token", token], {
          cwd: REPO_ROOT,
          env: { ...process.env, CITYGRAPH_TOKEN: "", CITYGRAPH_URL: "" },
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", (code) => resolve({ code, stdout, stderr }));
      });
    const listed = await run(["list", "--status", "draft", "--first", "100"]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, /ID\s+STATUS\s+ORGANIZATION/);
    assert.ok(listed.stdout.includes(agreement.id));
    assert.ok(listed.stdout.includes("Command-line smoke test"));

    // The drafter approving: the server's refusal is printed with its code, and the exit code is 1.
    const refused = await run(["approve", agreement.id]);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /FORBIDDEN: Four eyes/);

    // Days are China Standard Time, as in the console, and --valid-until's day is included.
    const terms = ["--org-credit-code", "91410105MA00000016", "--org-name", "郑州数智健康科技有限公司", "--title", "Days"];
    terms.push("--purposes", "epidemic-prevention", "--legal-basis", "Data Security Law art. 39", "--scopes", "registry:internal");
    terms.push("--requests-per-minute", "5", "--records-per-day", "50");
    const created = await run(["create", ...terms, "--valid-from", "2026-07-01", "--valid-until", "2027-06-30", "--json"]);
    assert.equal(created.code, 0, created.stderr);
    const { createAgreement } = JSON.parse(created.stdout) as { createAgreement: { validFrom: string; validUntil: string } };
    assert.deepEqual(
      [createAgreement.validFrom, createAgreement.validUntil].map((t) => new Date(t).toISOString()),
      ["2026-06-30T16:00:00.000Z", "2027-06-30T16:00:00.000Z"],
      "from 2026-07-01 00:00 to 2027-07-01 00:00 in Beijing",
    );
    const impossible = await run(["create", ...terms, "--valid-until", "2027-02-30"]);
    assert.equal(impossible.code, 1);
    assert.match(impossible.stderr, /--valid-until must be a real day/);
  });
});
