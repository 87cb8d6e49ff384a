import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import {
  MIN_CANDIDATES,
  SUBGRAPH_NAMES,
  StartupError,
  assertRolesKeepMasks,
  decide,
  grantSetOf,
  inferenceProblems,
  loadRolePolicy,
  maskerFor,
  parseRolePolicy,
  policyIndexOf,
  readSupergraphFields,
  type FieldPolicy,
  type Grantee,
  type PersonalKind,
} from "@citygraph/core";
import { REPO_ROOT, policyFilePath } from "@citygraph/platform";

const policies = readSupergraphFields(readFileSync(join(REPO_ROOT, "packages", "supergraph", "supergraph.graphql"), "utf8")).flatMap((f) =>
  f.policy ? [f.policy] : [],
);
const index = policyIndexOf(policies);
const idNumber = policies.find((p) => p.coordinate === "Person.idNumber")!;
const roles = loadRolePolicy(policyFilePath(), SUBGRAPH_NAMES);

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** GB 11643: the 18th character from the first 17 (written here from the standard, not from the code under test). */
function withCheckDigit(first17: string): string {
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  return first17 + "10X98765432"[sum % 11]!;
}

const FIRST_DAY = Date.UTC(1926, 0, 1);
const DAYS = 36_525;
const REAL = { region: "410105", birth: "1987-03-15", sequence: 675 };
const REAL_ID = withCheckDigit(`${REAL.region}${REAL.birth.replaceAll("-", "")}${String(REAL.sequence).padStart(3, "0")}`);

/** The best access a grantee has to any field of a kind, as the gateway decides per field. */
function reads(grantee: Grantee, kind: PersonalKind): "full" | "masked" | "denied" {
  const access = policies.filter((p) => p.kind === kind).map((p) => decide(grantee, p, index).access);
  return access.includes("full") ? "full" : access.includes("masked") ? "masked" : "denied";
}

const counted = new Map<string, number>();
/**
 * How many ID numbers agree with everything the grantee can read about REAL: the masked ID number
 * as it is served, the birth date (full, or masked as served), the gender (the 17th digit's
 * parity). The region is taken as known (district filters reveal it). Counted by enumeration,
 * stopping at MIN_CANDIDATES.
 */
function candidates(grantee: Grantee, mask: string | undefined): number {
  const birth = reads(grantee, "BIRTH_DATE");
  const gender = reads(grantee, "GENDER") === "full";
  const key = `${mask}|${birth}|${gender}`;
  const known = counted.get(key);
  if (known !== undefined) return known;
  const maskId = maskerFor("ID_NUMBER", mask)!;
  const maskBirth = maskerFor("BIRTH_DATE")!;
  const shown = maskId(REAL_ID);
  let count = 0;
  outer: for (let day = 0; day < DAYS; day++) {
    const date = new Date(FIRST_DAY + day * 86_400_000).toISOString().slice(0, 10);
    if (birth === "full" && date !== REAL.birth) continue;
    if (birth === "masked" && maskBirth(date) !== maskBirth(REAL.birth)) continue;
    for (let sequence = 0; sequence < 1000; sequence++) {
      if (gender && sequence % 2 !== REAL.sequence % 2) continue;
      const candidate = withCheckDigit(`${REAL.region}${date.replaceAll("-", "")}${String(sequence).padStart(3, "0")}`);
      if (maskId(candidate) === shown && ++count >= MIN_CANDIDATES) break outer;
    }
  }
  counted.set(key, count);
  return count;
}

function assertNotNarrowed(grantee: Grantee, label: string): void {
  const decision = decide(grantee, idNumber, index);
  if (decision.access !== "masked") return;
  const left = candidates(grantee, decision.mask);
  assert.ok(left >= MIN_CANDIDATES, `${label}: the masked ID number (${decision.mask ?? "default"}) narrows to ${left} candidates`);
}

const SCOPES = SUBGRAPH_NAMES.flatMap((owner) =>
  ["internal", "personal", "sensitive"].flatMap((level) => [`${owner}:${level}`, `${owner}:${level}:masked`]),
);
const PERSON_FIELDS = policies.filter((p) => p.coordinate.startsWith("Person.")).map((p) => p.coordinate);

describe("inference-safe masking", () => {
  it("no role of policy/roles.json narrows a masked ID number below 10 000 candidates", () => {
    for (const [name, role] of roles.roles) {
      assertNotNarrowed({ authenticated: true, grants: grantSetOf(role.scopes, role.policies ?? []) }, `role ${name}`);
    }
  });

  it("no random scope set (with or without an agreement's field list) narrows a masked ID number below 10 000", () => {
    fc.assert(
      fc.property(
        fc.subarray(SCOPES),
        fc.option(fc.subarray(PERSON_FIELDS), { nil: undefined }),
        (scopes, fields) => assertNotNarrowed({ authenticated: true, grants: grantSetOf(scopes, [], fields) }, scopes.join(" ")),
      ),
      { seed: 20261201, numRuns: 500 },
    );
  });

  it("the old mask would have failed: first 6 and last 4 beside a readable birth year", () => {
    const grantee: Grantee = { authenticated: true, grants: grantSetOf(["registry:sensitive:masked"]) };
    assert.equal(reads(grantee, "BIRTH_DATE"), "masked");
    const old = (v: string) => `${v.slice(0, 6)}********${v.slice(14)}`;
    // Same enumeration with today's-main mask: the year leaves 366 dates, the last four digits 1 sequence.
    let count = 0;
    for (let day = 0; day < DAYS; day++) {
      const date = new Date(FIRST_DAY + day * 86_400_000).toISOString().slice(0, 10);
      if (!date.startsWith("1987")) continue;
      const candidate = withCheckDigit(`${REAL.region}${date.replaceAll("-", "")}${REAL.sequence}`);
      if (old(candidate) === old(REAL_ID)) count++;
    }
    assert.ok(count < MIN_CANDIDATES, `${count}`);
    assert.ok(candidates(grantee, decide(grantee, idNumber, index).mask) >= MIN_CANDIDATES);
  });

  it("picks a stronger mask when the birth year is readable, and denies beside the full birth date", () => {
    const grantee = (...scopes: string[]): Grantee => ({ authenticated: true, grants: grantSetOf(scopes) });
    assert.deepEqual(decide(grantee("registry:sensitive:masked", "health:sensitive"), idNumber, index), {
      access: "masked",
      mask: "region",
    });
    const agreementWithoutBirthDate = { authenticated: true, grants: grantSetOf(["registry:sensitive:masked"], [], ["Person.idNumber"]) };
    assert.deepEqual(decide(agreementWithoutBirthDate, idNumber, index), { access: "masked", mask: "region-last2" });
    const undone = decide(grantee("registry:personal", "registry:sensitive:masked"), idNumber, index);
    assert.equal(undone.access, "denied");
    assert.match(undone.needs!, /^registry:sensitive \(masked, it would be undone by the BIRTH_DATE, GENDER, ADDRESS also readable\)$/);
    assert.equal(decide(grantee("registry:sensitive"), idNumber, index).access, "full");
  });

  it("fails closed without the policy index: every revealing kind counts as readable", () => {
    assert.equal(decide({ authenticated: true, grants: grantSetOf(["registry:sensitive:masked"]) }, idNumber).access, "denied");
  });

  it("refuses at start-up a role whose own grants undo its mask, naming the role and the pair", () => {
    const policy = parseRolePolicy(
      { version: 1, roles: { "old-district-health-officer": { description: "x", scopes: ["registry:personal", "registry:sensitive:masked"] } } },
      SUBGRAPH_NAMES,
    );
    assert.throws(
      () => assertRolesKeepMasks(policy, index),
      (error: unknown) =>
        error instanceof StartupError &&
        /roles\.old-district-health-officer: Person\.idNumber would be masked, but Person\.birthDate, Person\.gender, Person\.address \(also granted\)/.test(
          error.message,
        ),
    );
    assertRolesKeepMasks(roles, index);
  });

  it("composition refuses a revealing kind owned by another subgraph than the masked one", () => {
    assert.deepEqual(inferenceProblems(policies), []);
    const elsewhere: FieldPolicy = { coordinate: "Pupil.birthday", owner: "education", level: "PERSONAL", kind: "BIRTH_DATE" };
    assert.match(inferenceProblems([...policies, elsewhere]).join("\n"), /Pupil\.birthday \(BIRTH_DATE, owned by education\) reveals parts of Person\.idNumber/);
  });
});
