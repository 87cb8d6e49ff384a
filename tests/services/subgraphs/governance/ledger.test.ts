import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import type pg from "pg";
import { createLogger } from "@citygraph/core";
import { createLedger, createLedgerPool, ledgerCsvHeader, type LedgerEntryInput } from "@citygraph/ledger";
import { RECENT_WINDOW } from "../../../../services/subgraphs/governance/src/ledger/ledger.repository.ts";
import { startStack, type GraphQLResponse, type TestStack } from "../../../support/stack.ts";
import { ALL_SCOPES, bearer, testSecurity } from "../../../support/security.ts";

// Entries live in March 2020, far from the entries the stack's own gateway may write while the
// test runs (now): every query below names this window.
const WINDOW = { from: "2020-03-01T00:00:00.000Z", to: "2020-04-01T00:00:00.000Z" };
const AGREEMENT = "6a1f3e0c-2b7d-4c39-9e55-0d8f1b2a7c41";
const OTHER_AGREEMENT = "0f8fad5b-d9cb-469f-a165-70867728950e";
const PERSON = "a1b2c3d4e5f60718";
const OTHER_PERSON = "00112233445566ff";

type Entry = {
  seq: string;
  time: string;
  requestId: string;
  principal: { kind: string; subject: string; org: string | null };
  authority: { basis: string; agreementId: string | null; organization: string | null };
  agreementId: string | null;
  purpose: string | null;
  outcome: string;
  refusal: string | null;
  fields: { coordinate: string; decision: string }[];
  subjects: string[];
  rowCount: number;
  hash: string;
  prevHash: string;
};
type Page<T> = { nodes: T[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } };

const ENTRY_FIELDS = `seq time requestId principal { kind subject org } authority { basis agreementId organization }
  agreementId purpose outcome refusal fields { coordinate decision } subjects rowCount hash prevHash`;

const ACCESS_LOG = `query($first: Int, $after: String, $from: DateTime, $to: DateTime, $principal: String, $agreement: ID,
  $purpose: String, $outcome: AccessOutcome, $coordinate: String, $subject: String) {
  accessLog(first: $first, after: $after, from: $from, to: $to, principal: $principal, agreement: $agreement,
    purpose: $purpose, outcome: $outcome, coordinate: $coordinate, subject: $subject) {
    nodes { ${ENTRY_FIELDS} }
    pageInfo { endCursor hasNextPage }
  }
}`;

/** The entries this file records: an official's reads, a third party's reads under agreements, denials, a refusal. */
function entries(): LedgerEntryInput[] {
  const list: LedgerEntryInput[] = [];
  const at = (day: number, hourUtc: number, minute = 0) => new Date(Date.UTC(2020, 2, day, hourUtc, minute)).toISOString();
  // 1-10: an official of the health commission reads a person's name and health code.
  for (let i = 0; i < 10; i++) {
    list.push({
      time: at(2, 2, i),
      requestId: `official-${i}`,
      principal: { kind: "user", subject: "li.wei", org: "郑州市卫健委" },
      operationName: "PersonHealth",
      fields: [
        { coordinate: "Person.name", decision: "full" },
        { coordinate: "Person.healthCode", decision: "full" },
      ],
      subjects: i < 3 ? [PERSON, OTHER_PERSON] : [OTHER_PERSON],
      rowCount: i < 3 ? 2 : 1,
      outcome: "allowed",
      latencyMs: 12.5,
    });
  }
  // 11-16: a third party under AGREEMENT; the day boundary of UTC+8 falls between 15:59 and 16:00 UTC.
  for (let i = 0; i < 6; i++) {
    list.push({
      time: at(3, i < 4 ? 15 : 16, 30),
      requestId: `partner-${i}`,
      principal: { kind: "agreement", subject: "key-7", org: "郑州某某科技有限公司" },
      agreementId: AGREEMENT,
      purpose: "epidemic-prevention",
      fields: [
        { coordinate: "Person.name", decision: "masked" },
        { coordinate: "Person.idNumber", decision: i === 5 ? "denied" : "masked" },
      ],
      subjects: i === 0 ? [PERSON] : [],
      rowCount: 10 * (i + 1),
      outcome: i === 5 ? "partial" : "allowed",
      latencyMs: 30,
    });
  }
  // 17-18: denied attempts under AGREEMENT; 19: refused by quota; 20: another agreement.
  for (let i = 0; i < 2; i++) {
    list.push({
      time: at(4, 1, i),
      requestId: `partner-denied-${i}`,
      principal: { kind: "agreement", subject: "key-7", org: "郑州某某科技有限公司" },
      agreementId: AGREEMENT,
      purpose: "epidemic-prevention",
      fields: [{ coordinate: "Person.phone", decision: "denied" }],
      subjects: [],
      rowCount: 0,
      outcome: "denied",
      refusal: "FORBIDDEN",
      latencyMs: 2,
    });
  }
  list.push({
    time: at(4, 2),
    requestId: "partner-quota",
    principal: { kind: "agreement", subject: "key-7", org: "郑州某某科技有限公司" },
    agreementId: AGREEMENT,
    purpose: "epidemic-prevention",
    fields: [],
    subjects: [],
    rowCount: 0,
    outcome: "refused",
    refusal: "QUOTA_EXCEEDED",
    latencyMs: 1,
  });
  list.push({
    time: at(5, 3),
    requestId: "planner-0",
    principal: { kind: "agreement", subject: "key-9", org: "某某交通研究院" },
    agreementId: OTHER_AGREEMENT,
    purpose: "traffic-planning",
    fields: [{ coordinate: "CheckpointCrossing.time", decision: "full" }],
    subjects: [],
    rowCount: 100,
    outcome: "allowed",
    latencyMs: 40,
  });
  return list;
}

describe("governance subgraph: the auditor's view of the access ledger", () => {
  let stack: TestStack;
  let pool: pg.Pool;
  let auditor: Record<string, string>;
  before(async () => {
    stack = await startStack();
    pool = createLedgerPool(stack.database.url);
    const ledger = createLedger({
      pool,
      signingKey: (await testSecurity()).gatewayKeys.privateJwk,
      log: createLogger({ test: true }, "error"),
    });
    // In order, so that seq order is time order.
    for (const entry of entries()) await ledger.append(entry);
    // Then more entries than accessLog examines newest-first before turning to the filters'
    // indexes (RECENT_WINDOW): every query on the March 2020 entries takes the second path.
    await Promise.all(
      Array.from({ length: RECENT_WINDOW + 100 }, (_, i) =>
        ledger.append({
          time: new Date(Date.UTC(2021, 0, 1) + i * 1_000).toISOString(),
          requestId: `filler-${i}`,
          principal: { kind: "user", subject: [0, 50, RECENT_WINDOW + 50].includes(i) ? "auditee" : "batch-job" },
          fields: [{ coordinate: "District.name", decision: "full" }],
          subjects: [],
          rowCount: 16,
          outcome: "allowed",
          latencyMs: 1,
        }),
      ),
    );
    await ledger.close();
    auditor = await bearer(["audit:read"]);
  });
  after(async () => {
    await pool?.end();
    await stack?.stop();
  });

  const accessLog = async (variables: Record<string, unknown>) => {
    const result = await stack.query<{ accessLog: Page<Entry> }>(ACCESS_LOG, { ...WINDOW, ...variables }, auditor);
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    return result.data!.accessLog;
  };

  it("lists entries newest first, in keyset pages that neither skip nor repeat", async () => {
    const seen: Entry[] = [];
    let after: string | null = null;
    do {
      const page: Page<Entry> = await accessLog({ first: 7, after });
      seen.push(...page.nodes);
      after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
    } while (after);
    assert.equal(seen.length, 20);
    const seqs = seen.map((e) => BigInt(e.seq));
    assert.ok(seqs.every((s, i) => i === 0 || s < seqs[i - 1]!), "strictly decreasing seq");
    assert.equal(seen[0]!.requestId, "planner-0");
    assert.equal(seen.at(-1)!.requestId, "official-0");
    const official = seen.at(-1)!;
    assert.deepEqual(official.principal, { kind: "user", subject: "li.wei", org: "郑州市卫健委" });
    assert.deepEqual(official.authority, { basis: "ORGANIZATION", agreementId: null, organization: "郑州市卫健委" });
    assert.equal(official.time, "2020-03-02T02:00:00.000Z");
    assert.match(official.hash, /^[0-9a-f]{64}$/);
  });

  it("filters by principal, agreement, purpose, outcome, coordinate and subject", async () => {
    const ids = (page: Page<Entry>) => page.nodes.map((e) => e.requestId);
    assert.equal((await accessLog({ principal: "user:li.wei", first: 100 })).nodes.length, 10);
    assert.equal((await accessLog({ agreement: AGREEMENT, first: 100 })).nodes.length, 9);
    assert.equal((await accessLog({ agreement: AGREEMENT.toUpperCase(), first: 100 })).nodes.length, 9, "UUIDs in any case");
    assert.deepEqual(ids(await accessLog({ purpose: "traffic-planning" })), ["planner-0"]);
    assert.deepEqual(ids(await accessLog({ outcome: "REFUSED" })), ["partner-quota"]);
    assert.equal((await accessLog({ coordinate: "Person.idNumber", first: 100 })).nodes.length, 6);
    assert.deepEqual(ids(await accessLog({ subject: PERSON })), ["partner-0", "official-2", "official-1", "official-0"]);
    assert.deepEqual(
      ids(await accessLog({ from: "2020-03-03T16:00:00.000Z", to: "2020-03-04T01:02:00.000Z" })),
      ["partner-denied-1", "partner-denied-0", "partner-5", "partner-4"],
    );
    assert.deepEqual(ids(await accessLog({ agreement: AGREEMENT, outcome: "PARTIAL", coordinate: "Person.name" })), ["partner-5"]);
  });

  it("finds matches among the newest entries and far behind them, in order, across pages", async () => {
    const first = await accessLog({ principal: "user:auditee", first: 2, from: undefined, to: undefined });
    assert.deepEqual(
      first.nodes.map((e) => e.requestId),
      [`filler-${RECENT_WINDOW + 50}`, "filler-50"],
    );
    assert.equal(first.pageInfo.hasNextPage, true);
    const second = await accessLog({ principal: "user:auditee", first: 2, after: first.pageInfo.endCursor, from: undefined, to: undefined });
    assert.deepEqual(second.nodes.map((e) => e.requestId), ["filler-0"]);
    assert.equal(second.pageInfo.hasNextPage, false);
  });

  it("shows denied attempts as accessLog(outcome: DENIED), with the denied coordinates", async () => {
    const denied = await accessLog({ outcome: "DENIED" });
    assert.deepEqual(
      denied.nodes.map((e) => [e.requestId, e.refusal, e.fields]),
      [0, 1].reverse().map((i) => [`partner-denied-${i}`, "FORBIDDEN", [{ coordinate: "Person.phone", decision: "DENIED" }]]),
    );
  });

  it("reports who accessed a person's data: when, why, on what authority, which fields", async () => {
    const result = await stack.query<{ subjectAccessReport: Page<Record<string, unknown>> & { personId: string } }>(
      `query($person: String!, $after: String) {
        subjectAccessReport(personId: $person, first: 3, after: $after) {
          personId
          nodes { time requestId principal { kind subject org } purpose authority { basis agreementId organization } fields { coordinate decision } outcome }
          pageInfo { endCursor hasNextPage }
        }
      }`,
      { person: PERSON },
      auditor,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    const report = result.data!.subjectAccessReport;
    assert.equal(report.personId, PERSON);
    assert.deepEqual(report.nodes[0], {
      time: "2020-03-03T15:30:00.000Z",
      requestId: "partner-0",
      principal: { kind: "agreement", subject: "key-7", org: "郑州某某科技有限公司" },
      purpose: "epidemic-prevention",
      authority: { basis: "AGREEMENT", agreementId: AGREEMENT, organization: "郑州某某科技有限公司" },
      fields: [
        { coordinate: "Person.idNumber", decision: "MASKED" },
        { coordinate: "Person.name", decision: "MASKED" },
      ],
      outcome: "ALLOWED",
    });
    assert.deepEqual(
      report.nodes.map((n) => n.requestId),
      ["partner-0", "official-2", "official-1"],
    );
    assert.equal(report.pageInfo.hasNextPage, true);
    const next = await stack.query<{ subjectAccessReport: Page<{ requestId: string }> }>(
      `query($person: String!, $after: String) { subjectAccessReport(personId: $person, first: 3, after: $after) { nodes { requestId } pageInfo { hasNextPage } } }`,
      { person: PERSON, after: report.pageInfo.endCursor },
      auditor,
    );
    assert.deepEqual(next.data!.subjectAccessReport, { nodes: [{ requestId: "official-0" }], pageInfo: { hasNextPage: false } });
  });

  it("answers several persons' reports in one request", async () => {
    const result = await stack.query<Record<string, Page<{ requestId: string }>>>(
      `{ a: subjectAccessReport(personId: "${PERSON}", first: 100) { nodes { requestId } }
         b: subjectAccessReport(personId: "${OTHER_PERSON}", first: 100) { nodes { requestId } }
         c: subjectAccessReport(personId: "ffffffffffffffff") { nodes { requestId } } }`,
      {},
      auditor,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.equal(result.data!.a!.nodes.length, 4);
    assert.equal(result.data!.b!.nodes.length, 10);
    assert.deepEqual(result.data!.c!.nodes, []);
  });

  it("reports an agreement's usage by day (UTC+8) and outcome, with records returned and denied attempts", async () => {
    const result = await stack.query<{ agreementUsage: Record<string, unknown> }>(
      `query($id: ID!, $from: DateTime, $to: DateTime) {
        agreementUsage(agreementId: $id, from: $from, to: $to) {
          agreementId from to requests recordsReturned deniedAttempts byDay { date outcome requests records }
        }
      }`,
      { id: AGREEMENT, ...WINDOW },
      auditor,
    );
    assert.equal(result.errors, undefined, JSON.stringify(result.errors));
    assert.deepEqual(result.data!.agreementUsage, {
      agreementId: AGREEMENT,
      from: WINDOW.from,
      to: WINDOW.to,
      requests: 9,
      recordsReturned: 10 + 20 + 30 + 40 + 50 + 60,
      deniedAttempts: 2,
      byDay: [
        { date: "2020-03-03", outcome: "ALLOWED", requests: 4, records: 100 },
        { date: "2020-03-04", outcome: "ALLOWED", requests: 1, records: 50 },
        { date: "2020-03-04", outcome: "DENIED", requests: 2, records: 0 },
        { date: "2020-03-04", outcome: "PARTIAL", requests: 1, records: 60 },
        { date: "2020-03-04", outcome: "REFUSED", requests: 1, records: 0 },
      ],
    });
  });

  it("rejects bad arguments with BAD_USER_INPUT naming the argument", async () => {
    const cases: [string, string][] = [
      [`{ accessLog(from: "2020-03-02T00:00:00Z", to: "2020-03-01T00:00:00Z") { nodes { seq } } }`, "to"],
      [`{ accessLog(agreement: "42") { nodes { seq } } }`, "agreement"],
      [`{ accessLog(subject: "李四") { nodes { seq } } }`, "subject"],
      [`{ accessLog(coordinate: "Person") { nodes { seq } } }`, "coordinate"],
      [`{ accessLog(purpose: "Epidemic Prevention") { nodes { seq } } }`, "purpose"],
      [`{ accessLog(principal: "li.wei") { nodes { seq } } }`, "principal"],
      [`{ accessLog(after: "bm90LWEtY3Vyc29y") { nodes { seq } } }`, "after"],
      [`{ accessLog(first: 1000) { nodes { seq } } }`, "first"],
      [`{ subjectAccessReport(personId: "410105198703156758") { nodes { seq } } }`, "personId"],
      [`{ agreementUsage(agreementId: "${AGREEMENT}", from: "2019-01-01T00:00:00Z", to: "2020-03-01T00:00:00Z") { requests } }`, "to"],
      [`{ agreementUsage(agreementId: "nope") { requests } }`, "agreementId"],
    ];
    for (const [query, argumentName] of cases) {
      const result = await stack.query(query, {}, auditor);
      assert.equal(result.errors?.[0]?.extensions?.code, "BAD_USER_INPUT", `${query}: ${JSON.stringify(result.errors)}`);
      assert.equal(result.errors?.[0]?.extensions?.argumentName, argumentName, query);
      assert.ok(!result.errors![0]!.message.includes("410105198703156758"), "messages never echo the value");
    }
  });

  it("exports the filtered entries in chunks, as JSON Lines of the stored bodies or as citygraph audit export's CSV", async () => {
    const EXPORT = `query($format: LedgerExportFormat!, $agreement: ID, $from: DateTime, $to: DateTime, $first: Int, $after: String) {
      accessLogExport(format: $format, agreement: $agreement, from: $from, to: $to, first: $first, after: $after) { text entries hasNextPage endCursor } }`;
    type Chunk = { text: string; entries: number; hasNextPage: boolean; endCursor: string | null };
    const exportAll = async (format: "JSONL" | "CSV") => {
      let text = "";
      let after: string | null = null;
      let chunks = 0;
      do {
        const result: GraphQLResponse<{ accessLogExport: Chunk }> = await stack.query(EXPORT, { ...WINDOW, format, agreement: AGREEMENT, first: 4, after }, auditor);
        assert.equal(result.errors, undefined, JSON.stringify(result.errors));
        const chunk = result.data!.accessLogExport;
        text += chunk.text;
        after = chunk.hasNextPage ? chunk.endCursor : null;
        chunks++;
      } while (after);
      return { text, chunks };
    };
    const listed = (await accessLog({ agreement: AGREEMENT, first: 100 })).nodes;
    const jsonl = await exportAll("JSONL");
    assert.equal(jsonl.chunks, 3, "9 entries in chunks of 4");
    const bodies = jsonl.text.trimEnd().split("\n");
    assert.deepEqual(bodies.map((line) => (JSON.parse(line) as { requestId: string }).requestId), listed.map((e) => e.requestId));
    // Each line is the stored body itself: it hashes, with its seq and predecessor, to the entry's hash.
    const stored = await pool.query<{ body: string }>(
      "SELECT body FROM governance.ledger_entry WHERE agreement_id = $1 ORDER BY seq DESC",
      [AGREEMENT],
    );
    assert.deepEqual(bodies, stored.rows.map((r) => r.body));
    const csv = await exportAll("CSV");
    const lines = csv.text.split("\r\n").filter(Boolean);
    assert.equal(lines[0], ledgerCsvHeader().trimEnd(), "one header, in the first chunk");
    assert.equal(lines.length, 1 + listed.length);
    assert.ok(lines.slice(1).every((line, i) => line.startsWith(`${listed[i]!.seq},`)));
    const tooMany = await stack.query(EXPORT, { format: "CSV", first: 5001 }, auditor);
    assert.equal(tooMany.errors?.[0]?.extensions?.argumentName, "first");
  });

  it("refuses everyone without audit:read, however much else they may read", async () => {
    const queries = [
      `{ accessLog { nodes { seq } } }`,
      `{ accessLogExport(format: JSONL) { text } }`,
      `{ subjectAccessReport(personId: "${PERSON}") { nodes { seq } } }`,
    ];
    for (const headers of [{}, await bearer(ALL_SCOPES), await bearer(["governance:admin"])]) {
      for (const query of queries) {
        const result = await stack.query(query, {}, headers);
        // Anonymous callers are answered as for a field that does not exist.
        const [status, code] = Object.keys(headers).length === 0 ? [400, "GRAPHQL_VALIDATION_FAILED"] : [403, "FORBIDDEN"];
        assert.equal(result.status, status, query);
        assert.equal(result.errors?.[0]?.extensions?.code, code, query);
        assert.equal(result.data, undefined);
      }
    }
  });

  it("shows an agreement's usage to its administrators as well as auditors, and to no one else", async () => {
    const query = `query($id: ID!, $from: DateTime, $to: DateTime) { agreementUsage(agreementId: $id, from: $from, to: $to) { requests } }`;
    const variables = { id: AGREEMENT, ...WINDOW };
    const admin = await stack.query<{ agreementUsage: { requests: number } }>(query, variables, await bearer(["governance:admin"]));
    assert.equal(admin.status, 200, JSON.stringify(admin.errors));
    assert.equal(admin.data?.agreementUsage.requests, 9);
    const reader = await stack.query(query, variables, await bearer(ALL_SCOPES));
    assert.equal(reader.status, 403);
    assert.equal(reader.errors?.[0]?.extensions?.code, "FORBIDDEN");
    assert.equal(reader.data, undefined);
    const anonymous = await stack.query(query, variables);
    assert.equal(anonymous.errors?.[0]?.extensions?.code, "GRAPHQL_VALIDATION_FAILED");
  });

  it("refuses them in the governance subgraph too, behind the gateway's check", async () => {
    // querySubgraph signs a gateway token for every owner's sensitive scope, but not audit:read.
    const result = await stack.querySubgraph("governance", `{ accessLog { nodes { seq } } }`);
    assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN");
  });

  it("grants auditors no personal data through audit:read", async () => {
    const result = await stack.query(`{ persons(first: 1) { nodes { name } } }`, {}, auditor);
    assert.equal(result.status, 403);
    assert.equal(result.errors?.[0]?.extensions?.code, "FORBIDDEN");
  });
});
