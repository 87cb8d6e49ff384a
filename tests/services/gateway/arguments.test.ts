import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { generateApiKey } from "@citygraph/agreements";
import { postGraphQL, startStack, type TestStack } from "../../support/stack.ts";
import { agreementGatewayHeaders, bearer } from "../../support/security.ts";

const ROSTER = `query Roster($school: ID!, $first: Int, $after: String) {
  school(id: $school) { enrolments(first: $first, after: $after) { nodes { id } pageInfo { endCursor hasNextPage } } }
}`;
const BY_GRADE = `query RosterByGrade($school: ID!, $grade: Int) {
  school(id: $school) { enrolments(first: 100, grade: $grade) { nodes { id } } }
}`;
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

type Roster = { school: { enrolments: { nodes: { id: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } } };
type Body = { data?: Roster; errors?: { message: string; extensions?: Record<string, unknown> }[] };

/**
 * Arguments, ordering and cursors are classified like the fields they compare against: an
 * agreement that lists `School.enrolments` and `Enrolment.id` but not `Enrolment.grade` (a minor's
 * data) must learn no grade through the `grade:` filter, the order of the roster or its cursor.
 */
describe("arguments, ordering and cursors under an agreement's field list", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  let key: string;
  let school: number;

  async function call(document: string, variables: Record<string, unknown>): Promise<{ status: number; body: Body }> {
    const response = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": key, "x-purpose": "education-statistics" },
      body: JSON.stringify({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(document) } }, variables }),
    });
    return { status: response.status, body: (await response.json()) as Body };
  }

  before(async () => {
    stack = await startStack();
    pool = new pg.Pool({ connectionString: stack.database.url, max: 2 });
    const org = randomUUID();
    const agreementId = randomUUID();
    // A key as governance issues it: the gateway refuses any other shape as malformed.
    const generated = generateApiKey();
    const keyId = generated.id;
    const secret = generated.key.slice(keyId.length + 1);
    await pool.query("INSERT INTO governance.organization (id, name, credit_code) VALUES ($1, '郑州某教育数据有限公司', $2)", [
      org,
      `91410105${randomBytes(5).toString("hex").toUpperCase()}`.slice(0, 18),
    ]);
    await pool.query(
      `INSERT INTO governance.agreement (id, organization_id, title, purposes, legal_basis, scopes, allowed_fields, districts,
         valid_from, valid_until, requests_per_minute, records_per_day, status, created_by, approved_by, approved_at)
       VALUES ($1, $2, 'rosters without grades', $3, '《数据安全法》第三十九条', $4, $5, '{}', now() - interval '1 day',
         now() + interval '1 day', 1000, 1000000, 'ACTIVE', 'admin-a', 'admin-b', now())`,
      [agreementId, org, ["education-statistics"], ["education:sensitive"], ["School.enrolments", "Enrolment.id"]],
    );
    for (const [name, document] of [["Roster", ROSTER], ["RosterByGrade", BY_GRADE]]) {
      await pool.query(
        "INSERT INTO governance.agreement_operation (agreement_id, name, sha256, document, registered_by) VALUES ($1, $2, $3, $4, 'admin-a')",
        [agreementId, name, sha256(document!), document],
      );
    }
    await pool.query("INSERT INTO governance.api_key (id, agreement_id, secret_hash, created_by) VALUES ($1, $2, $3, 'admin-a')", [
      keyId,
      agreementId,
      sha256(secret),
    ]);
    key = `${keyId}.${secret}`;
    // A school whose roster order (grade, class, id) differs from id order (schools are small at scale 1).
    const { rows } = await pool.query<{ school_id: number }>(
      `SELECT school_id FROM education.enrolment GROUP BY school_id
       HAVING count(*) >= 6 AND array_agg(id ORDER BY grade, class_number, id) <> array_agg(id ORDER BY id)
       ORDER BY count(*) DESC LIMIT 1`,
    );
    school = rows[0]!.school_id;
  });
  after(async () => {
    await pool.end();
    await stack.stop();
  });

  it("refuses the grade filter before planning, naming the argument but not the hidden field", async () => {
    const result = await call(BY_GRADE, { school: String(school), grade: 3 });
    assert.equal(result.status, 403, JSON.stringify(result.body));
    assert.equal(result.body.data, undefined, "nothing executes");
    assert.deepEqual(result.body.errors?.[0]?.extensions?.denied, [
      { coordinate: "School.enrolments(grade:)", needs: "an agreement clause that lists this field" },
    ]);
    assert.doesNotMatch(JSON.stringify(result.body), /Enrolment\.grade/);
  });

  it("orders the roster by id, not by grade, and pages on with a cursor that does not decode to grades", async () => {
    const { rows } = await pool.query<{ id: number }>("SELECT id FROM education.enrolment WHERE school_id = $1 ORDER BY id LIMIT 6", [school]);
    const first = await call(ROSTER, { school: String(school), first: 3 });
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.errors, undefined, JSON.stringify(first.body.errors));
    const page1 = first.body.data!.school.enrolments;
    assert.deepEqual(page1.nodes.map((n) => Number(n.id)), rows.slice(0, 3).map((r) => r.id));
    const cursor = page1.pageInfo.endCursor!;
    // On main this was base64url JSON: WzQsMSwxNTJd = [grade, class, id].
    assert.throws(() => JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    const second = await call(ROSTER, { school: String(school), first: 3, after: cursor });
    assert.deepEqual(second.body.data!.school.enrolments.nodes.map((n) => Number(n.id)), rows.slice(3, 6).map((r) => r.id));
  });

  it("answers a tampered or hand-made cursor with BAD_USER_INPUT on `after`", async () => {
    const first = await call(ROSTER, { school: String(school), first: 5 });
    const raw = Buffer.from(first.body.data!.school.enrolments.pageInfo.endCursor!, "base64url");
    raw[raw.length - 3]! ^= 0x20;
    for (const forged of [raw.toString("base64url"), Buffer.from("[4,1,152]").toString("base64url")]) {
      const result = await call(ROSTER, { school: String(school), first: 5, after: forged });
      const error = result.body.errors?.[0];
      assert.equal(error?.extensions?.code, "BAD_USER_INPUT", JSON.stringify(result.body));
      assert.equal(error?.extensions?.argumentName, "after");
    }
  });

  it("keeps the roster order (grade, class, id) and the grade filter for callers who may read grades", async () => {
    const headers = await bearer(["education:sensitive"]);
    const result = await stack.query<{ school: { enrolments: { nodes: { id: string; grade: number; classNumber: number }[] } } }>(
      `{ school(id: "${school}") { enrolments(first: 100) { nodes { id grade classNumber } } } }`,
      undefined,
      headers,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const nodes = result.data!.school.enrolments.nodes;
    const sorted = [...nodes].sort((a, b) => a.grade - b.grade || a.classNumber - b.classNumber || Number(a.id) - Number(b.id));
    assert.deepEqual(nodes, sorted);
    assert.notDeepEqual(nodes.map((n) => Number(n.id)), [...nodes.map((n) => Number(n.id))].sort((a, b) => a - b));
    const filtered = await stack.query<{ school: { enrolments: { nodes: { grade: number }[] } } }>(
      `{ school(id: "${school}") { enrolments(first: 100, grade: ${nodes[0]!.grade}) { nodes { grade } } } }`,
      undefined,
      headers,
    );
    assert.ok(filtered.data!.school.enrolments.nodes.every((n) => n.grade === nodes[0]!.grade));
  });

  it("enforces the argument and the order again in the subgraph, for a gateway token naming the same agreement", async () => {
    const fields = ["Query.school", "School.enrolments", "Enrolment.id"];
    // Each token answers the one operation it was signed for, once.
    const as = async (query: string) => agreementGatewayHeaders("education", { query }, ["education:sensitive"], fields);
    const url = stack.services.subgraphs.education.server.url;
    const filterQuery = `{ school(id: "${school}") { enrolments(grade: 3) { nodes { id } } } }`;
    const filtered = await postGraphQL<Roster>(url, filterQuery, undefined, await as(filterQuery));
    assert.equal(filtered.errors?.[0]?.extensions?.code, "FORBIDDEN", JSON.stringify(filtered));
    assert.equal(filtered.errors?.[0]?.extensions?.argumentName, "grade");
    assert.equal(filtered.data?.school.enrolments ?? null, null);
    const orderQuery = `{ school(id: "${school}") { enrolments(first: 30) { nodes { id } } } }`;
    const ordered = await postGraphQL<Roster>(url, orderQuery, undefined, await as(orderQuery));
    const ids = ordered.data!.school.enrolments.nodes.map((n) => Number(n.id));
    assert.deepEqual(ids, [...ids].sort((a, b) => a - b));
  });
});
