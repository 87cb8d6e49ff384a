import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decide, grantSetOf, policyIndexOf, scopeProblem, type FieldPolicy, type Grantee } from "@citygraph/core";

const idNumber: FieldPolicy = { coordinate: "Person.idNumber", owner: "registry", level: "SENSITIVE", kind: "ID_NUMBER" };
const diagnosis: FieldPolicy = { coordinate: "FeverClinicVisit.diagnosis", owner: "health", level: "SENSITIVE", kind: "HEALTH" };
const name: FieldPolicy = { coordinate: "Person.name", owner: "registry", level: "PERSONAL", kind: "NAME" };
const districtName: FieldPolicy = { coordinate: "District.name", owner: "registry", level: "PUBLIC" };
const internal: FieldPolicy = { coordinate: "Community.households", owner: "registry", level: "INTERNAL" };

const anonymous: Grantee = { authenticated: false, grants: grantSetOf([]) };
const user = (...scopes: string[]): Grantee => ({ authenticated: true, grants: grantSetOf(scopes) });

describe("the decision function", () => {
  const table: [string, Grantee, FieldPolicy, string][] = [
    ["anonymous reads public data", anonymous, districtName, "full"],
    ["anonymous is denied internal data", anonymous, internal, "denied"],
    ["a sensitive grant includes personal and internal", user("registry:sensitive"), name, "full"],
    ["a personal grant does not reach sensitive", user("registry:personal"), idNumber, "denied"],
    ["grants are per owner", user("health:sensitive"), idNumber, "denied"],
    ["a masked grant masks kinds with a rule", user("registry:sensitive:masked"), idNumber, "masked"],
    ["a masked grant reaches only up to its level", user("registry:personal:masked"), idNumber, "denied"],
    ["full wins over masked", user("registry:sensitive:masked", "registry:sensitive"), idNumber, "full"],
    ["kinds without a masking rule stay denied under a masked grant", user("health:sensitive:masked"), diagnosis, "denied"],
    ["audit:read grants no personal data", user("audit:read"), name, "denied"],
  ];
  for (const [title, grantee, field, expected] of table) {
    it(title, () => assert.equal(decide(grantee, field, policyIndexOf([idNumber, diagnosis, name])).access, expected));
  }

  it("says which scope would grant a denied field", () => {
    assert.equal(decide(user("registry:personal"), idNumber).needs, "registry:sensitive");
  });

  it("honours @authenticated, @requiresScopes (or of ands) and @policy", () => {
    const authenticatedOnly: FieldPolicy = { ...districtName, authenticated: true };
    assert.equal(decide(anonymous, authenticatedOnly).access, "denied");
    assert.equal(decide(user(), authenticatedOnly).access, "full");
    const scoped: FieldPolicy = { ...districtName, requiresScopes: [["a", "b"], ["c"]] };
    assert.equal(decide(user("a"), scoped).access, "denied");
    assert.equal(decide(user("a", "b"), scoped).access, "full");
    assert.equal(decide(user("c"), scoped).access, "full");
    const policed: FieldPolicy = { ...districtName, policies: [["on-duty"]] };
    assert.equal(decide({ authenticated: true, grants: grantSetOf([], ["on-duty"]) }, policed).access, "full");
    assert.equal(decide(user(), policed).access, "denied");
  });

  it("gives equal grant sets equal cache keys whatever the order", () => {
    assert.equal(grantSetOf(["a:internal", "b:personal"]).key, grantSetOf(["b:personal", "a:internal"]).key);
  });

  it("explains malformed scopes", () => {
    const owners = ["registry", "health"];
    assert.equal(scopeProblem("registry:personal:masked", owners), null);
    assert.equal(scopeProblem("audit:read", owners), null);
    assert.match(scopeProblem("police:personal", owners) ?? "", /unknown owner/);
    assert.match(scopeProblem("registry:secret", owners) ?? "", /internal, personal or sensitive/);
    assert.match(scopeProblem("registry:personal:full", owners) ?? "", /masked/);
  });
});

describe("agreements' field lists", () => {
  it("deny non-public fields outside the list whatever the scopes, and keep public ones open", () => {
    const grants = grantSetOf(["registry:sensitive"], [], ["Person.name"]);
    const grantee: Grantee = { authenticated: true, grants };
    assert.equal(decide(grantee, name).access, "full");
    assert.equal(decide(grantee, idNumber).access, "denied");
    assert.equal(decide(grantee, districtName).access, "full");
  });

  it("give different field lists different cache keys", () => {
    assert.notEqual(grantSetOf(["a:internal"], [], ["X.y"]).key, grantSetOf(["a:internal"], [], ["X.z"]).key);
  });
});
