import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { startStack, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer } from "../../../support/security.ts";

type Ref = { id: string; name?: string | null; district?: { code: string } | null } | null;
type Enterprises = { enterprises: { nodes: { creditCode: string; district: { code: string }; legalRepresentative: Ref }[] } };
type Schools = { schools: { nodes: { id: string; enrolments: { nodes: { student: Ref }[] } }[] } };

/**
 * A caller bound to some districts reads a row in scope that references a person outside them (an
 * enterprise's legal representative, a pupil living across the district line). On main the
 * reference came back as `{ id }` with every other field null: the pseudonymous id, and the
 * relationship itself, are out-of-scope data. It must be null.
 */
describe("references to rows outside the caller's districts", () => {
  let stack: TestStack;
  let district: string;
  let truth: Enterprises["enterprises"]["nodes"];

  before(async () => {
    stack = await startStack();
    const all = await stack.query<Enterprises>(
      `{ enterprises(first: 100) { nodes { creditCode district { code } legalRepresentative { id district { code } } } } }`,
      undefined,
      await bearer(ALL_SCOPES),
    );
    assert.equal(all.errors, undefined, JSON.stringify(all.errors));
    truth = all.data!.enterprises.nodes;
    const kinds = (code: string, away: boolean) =>
      truth.some((e) => e.district.code === code && e.legalRepresentative && (e.legalRepresentative.district!.code !== code) === away);
    const both = truth.map((e) => e.district.code).find((code) => kinds(code, true) && kinds(code, false));
    assert.ok(both, "the seed has a district with legal representatives living inside and outside it");
    district = both;
  });
  after(() => stack.stop());

  it("resolves an out-of-scope person reference to null, whatever is selected of it", async () => {
    const headers = await bearer(["role:enterprise-officer"], [district]);
    for (const selection of ["id", "id name"]) {
      const result = await stack.query<Enterprises>(
        `{ enterprises(district: "${district}", first: 100) { nodes { creditCode legalRepresentative { ${selection} } } } }`,
        undefined,
        headers,
      );
      assert.equal(result.errors, undefined, JSON.stringify(result.errors));
      let outside = 0;
      let inside = 0;
      for (const node of result.data!.enterprises.nodes) {
        const real = truth.find((e) => e.creditCode === node.creditCode)!.legalRepresentative;
        if (!real || real.district!.code !== district) {
          assert.equal(node.legalRepresentative, null, `${selection}: ${JSON.stringify(node)}`);
          if (real) outside++;
        } else {
          assert.equal(node.legalRepresentative?.id, real.id);
          inside++;
        }
        assert.deepEqual(Object.keys(node.legalRepresentative ?? {}).sort(), node.legalRepresentative ? selection.split(" ").sort() : []);
      }
      assert.ok(outside > 0 && inside > 0, `both kinds seen (${outside} outside, ${inside} inside)`);
    }
  });

  it("does the same through lists and fragments, and never shows the gateway's probe", async () => {
    const headers = await bearer(["role:school-administrator"], [district]);
    const everyone = await stack.query<Schools>(
      `{ schools(district: "${district}", first: 20) { nodes { id enrolments(first: 100) { nodes { student { id district { code } } } } } } }`,
      undefined,
      await bearer(ALL_SCOPES),
    );
    const pupils = everyone.data!.schools.nodes.flatMap((s) => s.enrolments.nodes.map((e) => e.student!));
    const away = pupils.filter((p) => p.district!.code !== district).length;
    assert.ok(away > 0, "some pupils live in another district");
    const raw = await fetch(stack.gatewayUrl, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({
        query: `{ schools(district: "${district}", first: 20) { nodes { id enrolments(first: 100) { nodes { student { ...P } } } } } } fragment P on Person { id }`,
      }),
    });
    const text = await raw.text();
    assert.doesNotMatch(text, /__cgScope|inScope/, `the probe stays inside the gateway: ${text.slice(0, 400)}`);
    const body = JSON.parse(text) as { data: Schools; errors?: unknown };
    assert.equal(body.errors, undefined, text.slice(0, 500));
    const students = body.data.schools.nodes.flatMap((s) => s.enrolments.nodes.map((e) => e.student));
    assert.equal(students.filter((s) => s === null).length, away, "exactly the pupils living elsewhere are null");
  });

  it("says nothing of what lies under a reference made null, not even another subgraph's error there", async () => {
    // Found by an attacker: partial results kept each FORBIDDEN error under a nulled reference,
    // which showed that a reference existed there.
    const headers = { ...(await bearer(["role:enterprise-officer"], [district])), "x-citygraph-denied-fields": "null" };
    const result = await stack.query<Enterprises>(
      `{ enterprises(district: "${district}", first: 100) { nodes { creditCode legalRepresentative { id inScope healthCode { color } } } } }`,
      undefined,
      headers,
    );
    const nodes = result.data!.enterprises.nodes;
    const nulled = new Set(nodes.flatMap((n, i) => (n.legalRepresentative === null ? [i] : [])));
    assert.ok(nulled.size > 0 && nulled.size < nodes.length);
    const errorsAt = new Set((result.errors ?? []).map((e) => (e as { path?: (string | number)[] }).path?.[2]));
    for (const i of nulled) assert.ok(!errorsAt.has(i), `no error under the nulled reference at ${i}`);
    assert.ok(errorsAt.size > 0, "the in-scope references still say healthCode was denied");
    assert.doesNotMatch(JSON.stringify(result), /valueCompletion|__cgScope/);
  });

  it("leaves references alone for a caller without a row scope", async () => {
    const result = await stack.query<Enterprises>(
      `{ enterprises(district: "${district}", first: 100) { nodes { creditCode legalRepresentative { id } } } }`,
      undefined,
      await bearer(["role:enterprise-officer"]),
    );
    const expected = truth.filter((e) => e.district.code === district).filter((e) => e.legalRepresentative).length;
    assert.equal(result.data!.enterprises.nodes.filter((n) => n.legalRepresentative).length, expected);
  });
});
