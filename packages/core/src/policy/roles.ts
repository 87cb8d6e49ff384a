import { readFileSync } from "node:fs";
import { StartupError } from "../errors.ts";
import { grantSetOf, scopeProblem } from "./scopes.ts";
import { describeUndoneMasks, maskedGrantsUndone, type PolicyIndex } from "./decide.ts";

/** A named bundle of scopes from the policy file. */
export interface Role {
  description: string;
  scopes: readonly string[];
  /** Named policies (for `@policy`) the role satisfies. */
  policies?: readonly string[];
}

/** The validated policy file: roles by name, and its version (recorded with decisions). */
export interface RolePolicy {
  version: number;
  roles: ReadonlyMap<string, Role>;
}

/** The prefix that names a role inside a token's `scope` claim: `role:district-health-officer`. */
export const ROLE_PREFIX = "role:";

/**
 * Reads and validates a policy file. Every problem is reported at once, with its path, so a bad
 * deployment fails at start-up rather than by granting the wrong data.
 */
export function loadRolePolicy(path: string, owners: readonly string[]): RolePolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new StartupError(`Cannot read the policy file ${path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseRolePolicy(raw, owners, path);
}

/** Validates a parsed policy document (see {@link loadRolePolicy}). */
export function parseRolePolicy(raw: unknown, owners: readonly string[], source = "policy"): RolePolicy {
  const problems: string[] = [];
  const doc = raw as { version?: unknown; roles?: unknown };
  if (typeof doc !== "object" || doc === null) throw new StartupError(`${source}: must be a JSON object`);
  if (!Number.isInteger(doc.version) || (doc.version as number) < 1) problems.push("version must be a positive integer");
  const roles = new Map<string, Role>();
  if (typeof doc.roles !== "object" || doc.roles === null) {
    problems.push("roles must be an object of role name → { description, scopes }");
  } else {
    for (const [name, value] of Object.entries(doc.roles as Record<string, unknown>)) {
      const role = value as Partial<Role>;
      if (!/^[a-z][a-z0-9-]*$/.test(name)) problems.push(`roles.${name}: names are lowercase words joined by hyphens`);
      if (typeof role.description !== "string" || !role.description) problems.push(`roles.${name}.description is required`);
      if (!Array.isArray(role.scopes)) {
        problems.push(`roles.${name}.scopes must be a list of scopes`);
        continue;
      }
      for (const scope of role.scopes) {
        const problem = typeof scope === "string" ? scopeProblem(scope, owners) : "scopes must be strings";
        if (problem) problems.push(`roles.${name}.scopes: ${problem}`);
      }
      if (role.policies !== undefined && !(Array.isArray(role.policies) && role.policies.every((p) => typeof p === "string"))) {
        problems.push(`roles.${name}.policies must be a list of policy names`);
      }
      roles.set(name, { description: role.description ?? "", scopes: role.scopes, policies: role.policies });
    }
  }
  if (problems.length) throw new StartupError(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  return { version: doc.version as number, roles };
}

/**
 * Expands `role:<name>` entries into the role's scopes. Returns the scopes, the policies the roles
 * satisfy, and the names of roles the policy does not know (the caller decides whether that is an
 * error).
 */
export function expandRoles(scopes: readonly string[], policy: RolePolicy) {
  const expanded = new Set<string>();
  const policies = new Set<string>();
  const unknownRoles: string[] = [];
  for (const scope of scopes) {
    if (!scope.startsWith(ROLE_PREFIX)) {
      expanded.add(scope);
      continue;
    }
    const role = policy.roles.get(scope.slice(ROLE_PREFIX.length));
    if (!role) {
      unknownRoles.push(scope.slice(ROLE_PREFIX.length));
      continue;
    }
    for (const s of role.scopes) expanded.add(s);
    for (const p of role.policies ?? []) policies.add(p);
  }
  return { scopes: [...expanded].sort(), policies: [...policies].sort(), unknownRoles };
}

/**
 * Fails start-up when a role ships a masked grant that its own other grants undo (a masked ID
 * number beside a birth date in full): such a role would be denied the field anyway, so the pair
 * is a mistake in the policy file, reported with the role and the fields. A mask that only gets
 * stronger because of the role's other grants is fine and applied automatically.
 */
export function assertRolesKeepMasks(policy: RolePolicy, index: PolicyIndex, source = "policy"): void {
  const problems: string[] = [];
  for (const [name, role] of policy.roles) {
    const undone = maskedGrantsUndone({ authenticated: true, grants: grantSetOf(role.scopes, role.policies ?? []) }, index);
    for (const line of describeUndoneMasks(undone)) {
      problems.push(`roles.${name}: ${line}; drop the masked scope, or grant the field in full, or stop granting the revealing fields`);
    }
  }
  if (problems.length) throw new StartupError(`${source} is invalid:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
}
