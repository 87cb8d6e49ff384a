import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { encodeCursor } from "@citygraph/core";
import {
  firstError,
  startEducation,
  type Connection,
  type EducationHarness,
  type Response,
} from "./harness.ts";

interface SchoolNode {
  id: string;
  name: string;
  stage: string;
  district: { code: string };
}
interface EnrolmentNode {
  id: string;
  grade: number;
  className: string;
  enrolledSince: string;
  student: { id: string };
  school: { id: string };
}
interface ReopeningNode {
  status: string;
  plannedDate: string | null;
  reopenedDate: string | null;
  gradesOnSite: number[];
  school: { id: string };
}
interface HealthCheckNode {
  date: string;
  studentsExpected: number;
  studentsChecked: number;
  withFever: number;
  absentForIllness: number;
  school: { id: string };
}

describe("education subgraph: schools, rosters, reopening, health checks", () => {
  let h: EducationHarness;
  before(async () => {
    h = await startEducation();
  });
  after(async () => h?.stop());

  const SCHOOLS = `query($first: Int, $after: String, $district: String, $stage: SchoolStage) {
    schools(first: $first, after: $after, district: $district, stage: $stage) {
      nodes { id name stage address capacity district { code } }
      pageInfo { endCursor hasNextPage }
    }
  }`;

  async function allPages(variables: Record<string, unknown>) {
    const ids: number[] = [];
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const { data, errors }: Response<{ schools: Connection<SchoolNode> }> = await h.query(SCHOOLS, {
        ...variables,
        after,
      });
      assert.equal(errors, undefined);
      ids.push(...data!.schools.nodes.map((s) => Number(s.id)));
      if (!data!.schools.pageInfo.hasNextPage) return ids;
      after = data!.schools.pageInfo.endCursor;
    }
    throw new Error("pagination did not end");
  }

  it("lists every school once by id, following cursors page by page", async () => {
    const ids = await allPages({ first: 7 });
    const { rows } = await h.pool.query("SELECT id FROM education.school ORDER BY id");
    assert.deepEqual(
      ids,
      rows.map((r) => r.id),
    );
  });

  it("filters schools by district and stage", async () => {
    const { rows } = await h.pool.query(
      "SELECT id FROM education.school WHERE district_code = '410105' AND stage = 'PRIMARY' ORDER BY id",
    );
    assert.ok(rows.length > 0);
    assert.deepEqual(
      await allPages({ first: 1, district: "410105", stage: "PRIMARY" }),
      rows.map((r) => r.id),
    );
    const seniors = await h.query<{ schools: Connection<SchoolNode> }>(SCHOOLS, {
      first: 100,
      stage: "SENIOR_SECONDARY",
    });
    assert.ok(seniors.data!.schools.nodes.length > 0);
    assert.ok(seniors.data!.schools.nodes.every((s) => s.stage === "SENIOR_SECONDARY"));
  });

  it("returns a school by id with its district as a registry reference, and null for an unknown id", async () => {
    const { data } = await h.query<{ a: SchoolNode; b: SchoolNode | null }>(
      `{ a: school(id: "1") { id name district { code } } b: school(id: "99999") { id } }`,
    );
    assert.match(data!.a.name, /(小学|中学|学校)$/);
    assert.match(data!.a.district.code, /^\d{6}$/);
    assert.equal(data!.b, null);
  });

  it("caps page size at 100 and names the argument", async () => {
    for (const first of [0, 101, -1]) {
      assert.deepEqual(firstError(await h.query(SCHOOLS, { first })), {
        code: "BAD_USER_INPUT",
        argumentName: "first",
      });
    }
    const ok = await h.query(SCHOOLS, { first: 100 });
    assert.equal(ok.errors, undefined);
  });

  it("rejects a district code that is malformed or not Zhengzhou's", async () => {
    for (const district of ["4101", "110101", "41010x"]) {
      assert.deepEqual(firstError(await h.query(SCHOOLS, { district })), {
        code: "BAD_USER_INPUT",
        argumentName: "district",
      });
    }
  });

  it("rejects malformed school ids", async () => {
    for (const id of ["abc", "0", "-3", "1.5", "99999999999"]) {
      const response = await h.query(`query($id: ID!) { school(id: $id) { id } }`, { id });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "id" }, id);
    }
  });

  it("rejects a cursor that this list did not return", async () => {
    for (const after of [
      "garbage",
      encodeCursor(["x"]),
      encodeCursor([1, 2]),
      Buffer.from("{}").toString("base64url"),
    ]) {
      assert.deepEqual(firstError(await h.query(SCHOOLS, { after })), {
        code: "BAD_USER_INPUT",
        argumentName: "after",
      });
    }
  });

  describe("School.enrolments", () => {
    const ROSTER = `query($id: ID!, $first: Int, $after: String, $grade: Int) {
      school(id: $id) {
        enrolments(first: $first, after: $after, grade: $grade) {
          nodes { id grade classNumber className enrolledSince student { id } school { id } }
          pageInfo { endCursor hasNextPage }
        }
      }
    }`;

    type Roster = { school: { enrolments: Connection<EnrolmentNode> } };

    async function biggestSchool(): Promise<number> {
      const { rows } = await h.pool.query(
        "SELECT school_id FROM education.enrolment GROUP BY school_id ORDER BY count(*) DESC, school_id LIMIT 1",
      );
      return rows[0].school_id;
    }

    it("lists a school's roster by grade, class and id across pages", async () => {
      const schoolId = await biggestSchool();
      const { rows } = await h.pool.query(
        "SELECT id, person_id FROM education.enrolment WHERE school_id = $1 ORDER BY grade, class_number, id",
        [schoolId],
      );
      assert.ok(rows.length > 3);
      const seen: EnrolmentNode[] = [];
      let after: string | null = null;
      do {
        const { data, errors }: Response<Roster> = await h.query(ROSTER, {
          id: String(schoolId),
          first: 2,
          after,
        });
        assert.equal(errors, undefined);
        const page: Connection<EnrolmentNode> = data!.school.enrolments;
        seen.push(...page.nodes);
        after = page.pageInfo.hasNextPage ? page.pageInfo.endCursor : null;
      } while (after);
      assert.deepEqual(
        seen.map((e) => Number(e.id)),
        rows.map((r) => r.id),
      );
      assert.deepEqual(
        seen.map((e) => e.student.id),
        rows.map((r) => r.person_id),
      );
    });

    it("filters a roster by grade and names classes as notices do", async () => {
      const schoolId = await biggestSchool();
      const { rows } = await h.pool.query(
        "SELECT grade FROM education.enrolment WHERE school_id = $1 GROUP BY grade ORDER BY count(*) DESC LIMIT 1",
        [schoolId],
      );
      const grade = rows[0].grade;
      const { data } = await h.query<Roster>(ROSTER, { id: String(schoolId), first: 100, grade });
      const nodes = data!.school.enrolments.nodes;
      assert.ok(nodes.length > 0);
      for (const e of nodes) {
        assert.equal(e.grade, grade);
        assert.equal(e.school.id, String(schoolId));
        assert.match(e.className, /^(.年级|初.|高.)\(\d+\)班$/);
        assert.match(e.enrolledSince, /^\d{4}-\d{2}-\d{2}$/);
      }
    });

    it("rejects a grade outside 1-12 and a cursor from another list", async () => {
      for (const grade of [0, 13]) {
        assert.deepEqual(firstError(await h.query(ROSTER, { id: "1", grade })), {
          code: "BAD_USER_INPUT",
          argumentName: "grade",
        });
      }
      const after = encodeCursor([1]);
      assert.deepEqual(firstError(await h.query(ROSTER, { id: "1", after })), {
        code: "BAD_USER_INPUT",
        argumentName: "after",
      });
    });

    it("resolves every school's roster, and each pupil's school, with one SQL statement each", async () => {
      const { response, statements } = await h.counted<{
        schools: Connection<{ id: string; enrolments: Connection<EnrolmentNode> }>;
      }>(
        `{ schools(first: 30) { nodes { id enrolments(first: 3) { nodes { id school { id } } pageInfo { hasNextPage } } } } }`,
      );
      assert.equal(response.errors, undefined);
      const nodes = response.data!.schools.nodes;
      assert.equal(nodes.length, 30);
      assert.ok(nodes.some((s) => s.enrolments.nodes.length === 3));
      for (const s of nodes) for (const e of s.enrolments.nodes) assert.equal(e.school.id, s.id);
      // schools, then all rosters, then the (cached-per-request) schools of the pupils.
      assert.equal(statements, 3);
    });
  });

  describe("school reopening", () => {
    it("lists reopening statuses by school id, filtered by status and district", async () => {
      const { rows } = await h.pool.query(
        "SELECT school_id FROM education.school_reopening WHERE status = 'REOPENED' ORDER BY school_id",
      );
      const { data, errors } = await h.query<{ schoolReopenings: Connection<ReopeningNode> }>(`{
        schoolReopenings(first: 100, status: REOPENED) {
          nodes { status plannedDate reopenedDate gradesOnSite approvalNote updatedAt school { id stage } }
          pageInfo { hasNextPage }
        }
      }`);
      assert.equal(errors, undefined);
      assert.deepEqual(
        data!.schoolReopenings.nodes.map((r) => Number(r.school.id)),
        rows.map((r) => r.school_id),
      );
      for (const r of data!.schoolReopenings.nodes) {
        assert.equal(r.status, "REOPENED");
        assert.ok(r.reopenedDate! >= r.plannedDate!);
        assert.ok(r.gradesOnSite.length >= 3);
      }
      const { rows: local } = await h.pool.query(
        "SELECT school_id FROM education.school_reopening WHERE district_code = '410105' ORDER BY school_id",
      );
      const scoped = await h.query<{ schoolReopenings: Connection<ReopeningNode> }>(
        `{ schoolReopenings(district: "410105") { nodes { school { id } } } }`,
      );
      assert.deepEqual(
        scoped.data!.schoolReopenings.nodes.map((r) => Number(r.school.id)),
        local.map((r) => r.school_id),
      );
      assert.deepEqual(
        firstError(await h.query(`{ schoolReopenings(district: "abc") { nodes { status } } }`)),
        {
          code: "BAD_USER_INPUT",
          argumentName: "district",
        },
      );
    });

    it("gives each school its reopening status with one SQL statement for all schools", async () => {
      const { response, statements } = await h.counted<{
        schools: Connection<{ reopening: ReopeningNode | null }>;
      }>(`{ schools(first: 30) { nodes { reopening { status gradesOnSite } } } }`);
      assert.equal(response.errors, undefined);
      assert.ok(response.data!.schools.nodes.every((s) => s.reopening !== null));
      assert.equal(statements, 2);
    });
  });

  describe("school health checks", () => {
    const CHECKS = `query($school: ID!, $from: Date!, $to: Date!) {
      schoolHealthChecks(school: $school, from: $from, to: $to) {
        date studentsExpected studentsChecked withFever absentForIllness reportedAt school { id }
      }
    }`;
    type Checks = { schoolHealthChecks: HealthCheckNode[] };

    it("lists a school's daily health checks newest first, within [from, to)", async () => {
      const { data, errors } = await h.query<Checks>(CHECKS, {
        school: "1",
        from: "2026-11-10",
        to: "2026-11-17",
      });
      assert.equal(errors, undefined);
      const dates = data!.schoolHealthChecks.map((c) => c.date);
      assert.deepEqual(dates, [
        "2026-11-16",
        "2026-11-15",
        "2026-11-14",
        "2026-11-13",
        "2026-11-12",
        "2026-11-11",
        "2026-11-10",
      ]);
      for (const c of data!.schoolHealthChecks) {
        assert.equal(c.school.id, "1");
        assert.ok(c.studentsChecked <= c.studentsExpected && c.withFever <= c.absentForIllness);
      }
      const all = await h.query<Checks>(CHECKS, { school: "1", from: "2026-09-01", to: "2026-12-01" });
      assert.equal(all.data!.schoolHealthChecks.length, 14);
    });

    it("rejects a date range whose start is not before its end", async () => {
      for (const [from, to] of [
        ["2026-11-17", "2026-11-10"],
        ["2026-11-10", "2026-11-10"],
      ]) {
        assert.deepEqual(firstError(await h.query(CHECKS, { school: "1", from, to })), {
          code: "BAD_USER_INPUT",
          argumentName: "to",
        });
      }
    });

    it("rejects a window longer than 92 days", async () => {
      const response = await h.query(CHECKS, { school: "1", from: "2026-01-01", to: "2026-11-20" });
      assert.deepEqual(firstError(response), { code: "BAD_USER_INPUT", argumentName: "to" });
      const ok = await h.query(CHECKS, { school: "1", from: "2026-08-20", to: "2026-11-20" });
      assert.equal(ok.errors, undefined);
    });

    it("rejects a malformed school id and an invalid date", async () => {
      assert.deepEqual(
        firstError(await h.query(CHECKS, { school: "x1", from: "2026-11-01", to: "2026-11-20" })),
        {
          code: "BAD_USER_INPUT",
          argumentName: "school",
        },
      );
      const bad = await h.query(CHECKS, { school: "1", from: "2026-02-30", to: "2026-11-20" });
      assert.equal(bad.errors?.[0]?.extensions?.code, "BAD_USER_INPUT");
    });

    it("returns no reports for a school that does not exist", async () => {
      const { data } = await h.query<Checks>(CHECKS, {
        school: "4242",
        from: "2026-11-01",
        to: "2026-11-20",
      });
      assert.deepEqual(data!.schoolHealthChecks, []);
    });

    it("resolves many schools' health checks with one SQL statement", async () => {
      const { response, statements } = await h.counted<{
        schools: Connection<{ healthChecks: HealthCheckNode[] }>;
      }>(
        `{ schools(first: 30) { nodes { id healthChecks(from: "2026-11-13", to: "2026-11-20") { date studentsExpected } } } }`,
      );
      assert.equal(response.errors, undefined);
      for (const s of response.data!.schools.nodes) assert.equal(s.healthChecks.length, 7);
      assert.equal(statements, 2);
    });
  });
});
