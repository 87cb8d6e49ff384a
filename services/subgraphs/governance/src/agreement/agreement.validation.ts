import { parse, GraphQLError, Kind, validate, type DocumentNode } from "graphql";
import {
  SPECIAL_SCOPES,
  SUBGRAPH_NAMES,
  assertDateRange,
  assertDistrictCode,
  argumentDenials,
  badUserInput,
  decide,
  describeUndoneMasks,
  grantSetOf,
  maskedGrantsUndone,
  policyIndexOf,
  reachableCoordinates,
  scopeProblem,
  type FieldPolicy,
  type Grantee,
} from "@citygraph/core";
import type { CreateAgreementInput } from "./agreement.type.ts";
import type { NewAgreement } from "./agreement.repository.ts";
import type { OperationSurface } from "./agreement.surface.ts";

const PURPOSE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const COORDINATE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;

/** Limits on what an agreement holds. */
export const AGREEMENT_LIMITS = {
  title: 200,
  legalBasis: 2_000,
  purpose: 64,
  purposes: 20,
  scopes: 50,
  allowedFields: 1_000,
  reason: 1_000,
  document: 100_000,
} as const;

/** A trimmed, non-empty text of at most `max` characters. */
export function requiredText(argumentName: string, value: string, max: number): string {
  const trimmed = value.trim();
  if (!trimmed) throw badUserInput(argumentName, "must not be empty");
  if (trimmed.length > max) throw badUserInput(argumentName, `may be at most ${max} characters`);
  return trimmed;
}

function distinct(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * Checks a new agreement's input and returns what to store (trimmed, de-duplicated). Every error
 * is BAD_USER_INPUT naming the input field (`input.purposes`). Field coordinates are checked against
 * the data-asset catalog by `isKnownCoordinate` afterwards (it needs the database).
 */
export function validateAgreementInput(
  input: CreateAgreementInput,
  now: Date,
): Omit<NewAgreement, "createdBy" | "organizationId"> {
  const title = requiredText("input.title", input.title, AGREEMENT_LIMITS.title);

  const purposes = distinct(input.purposes.map((p) => p.trim()));
  if (purposes.length === 0) throw badUserInput("input.purposes", "must name at least one purpose");
  if (purposes.length > AGREEMENT_LIMITS.purposes) throw badUserInput("input.purposes", `may name at most ${AGREEMENT_LIMITS.purposes} purposes`);
  for (const purpose of purposes) {
    if (!PURPOSE.test(purpose) || purpose.length > AGREEMENT_LIMITS.purpose) {
      throw badUserInput(
        "input.purposes",
        `"${purpose.slice(0, AGREEMENT_LIMITS.purpose)}" is not a purpose code: lowercase letters and digits in hyphenated words, e.g. "epidemic-prevention"`,
      );
    }
  }

  const legalBasis = requiredText("input.legalBasis", input.legalBasis, AGREEMENT_LIMITS.legalBasis);

  const scopes = validateAgreementScopes("input.scopes", input.scopes);
  if (scopes.length === 0) throw badUserInput("input.scopes", "must grant at least one scope");
  const allowedFields = validateAllowedFields("input.allowedFields", input.allowedFields ?? []);

  const districts = distinct((input.districts ?? []).map((d) => d.trim()));
  for (const district of districts) assertDistrictCode("input.districts", district);

  assertDateRange({ from: input.validFrom, to: input.validUntil }, undefined, { from: "input.validFrom", to: "input.validUntil" });
  if (input.validUntil.getTime() <= now.getTime()) throw badUserInput("input.validUntil", "must be in the future");

  for (const [name, value] of [
    ["input.requestsPerMinute", input.requestsPerMinute],
    ["input.recordsPerDay", input.recordsPerDay],
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw badUserInput(name, "must be a positive whole number");
  }

  return {
    title,
    purposes,
    legalBasis,
    scopes,
    allowedFields,
    districts,
    validFrom: input.validFrom,
    validUntil: input.validUntil,
    requestsPerMinute: input.requestsPerMinute,
    recordsPerDay: input.recordsPerDay,
  };
}

/**
 * An agreement's scopes, trimmed and de-duplicated. BAD_USER_INPUT naming `argumentName` for too
 * many, for one no agreement may grant (staff-only scopes) and for one that is not a scope.
 */
export function validateAgreementScopes(argumentName: string, input: readonly string[]): string[] {
  const scopes = distinct(input.map((s) => s.trim()));
  if (scopes.length > AGREEMENT_LIMITS.scopes) throw badUserInput(argumentName, `may hold at most ${AGREEMENT_LIMITS.scopes} scopes`);
  for (const scope of scopes) {
    if ((SPECIAL_SCOPES as readonly string[]).includes(scope)) {
      throw badUserInput(argumentName, `"${scope}" is for the government's own staff and cannot be granted by an agreement`);
    }
    const problem = scopeProblem(scope, SUBGRAPH_NAMES);
    if (problem) throw badUserInput(argumentName, problem);
  }
  return scopes;
}

/**
 * An agreement's field list, trimmed and de-duplicated, each a coordinate in form (whether the
 * supergraph has it is checked against the catalog afterwards, which needs the database).
 */
export function validateAllowedFields(argumentName: string, input: readonly string[]): string[] {
  const allowedFields = distinct(input.map((f) => f.trim()));
  if (allowedFields.length > AGREEMENT_LIMITS.allowedFields) {
    throw badUserInput(argumentName, `may list at most ${AGREEMENT_LIMITS.allowedFields} fields`);
  }
  for (const field of allowedFields) {
    if (!COORDINATE.test(field)) throw badUserInput(argumentName, `"${field.slice(0, 100)}" is not a field coordinate like "Person.name"`);
  }
  return allowedFields;
}

/** Checks an operation's name and document: one query, parsed. Returns the parsed document. */
export function validateOperation(name: string, document: string): DocumentNode {
  if (!OPERATION_NAME.test(name)) {
    throw badUserInput("name", "must be a GraphQL name (letters, digits, underscores; at most 100 characters)");
  }
  if (!document.trim()) throw badUserInput("document", "must not be empty");
  if (document.length > AGREEMENT_LIMITS.document) {
    throw badUserInput("document", `may be at most ${AGREEMENT_LIMITS.document} characters`);
  }
  let parsed: DocumentNode;
  try {
    parsed = parse(document);
  } catch (error) {
    throw badUserInput("document", `does not parse: ${error instanceof GraphQLError ? error.message : "syntax error"}`);
  }
  const operations = parsed.definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
  if (operations.length !== 1) throw badUserInput("document", "must contain exactly one operation");
  if (parsed.definitions.some((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION)) {
    throw badUserInput("document", "may contain only the operation and its fragments");
  }
  if (operations[0]!.operation !== "query") throw badUserInput("document", "must be a query: agreements grant reads only");
  return parsed;
}

/**
 * Refuses an agreement whose scopes (narrowed by its field list) grant a masked field together with
 * fields that undo the mask — a masked ID number beside birth dates in full — naming the pair, so
 * an administrator cannot ship one unnoticed. Masks that only get stronger are accepted (applied
 * automatically).
 * @param policies every field's policy, from the data-asset catalog
 */
export function assertAgreementKeepsMasks(
  agreement: Pick<NewAgreement, "scopes" | "allowedFields">,
  policies: Iterable<FieldPolicy>,
): void {
  const problem = undoneMasksProblem(agreement, policies);
  if (problem) throw badUserInput(agreement.allowedFields.length ? "input.allowedFields" : "input.scopes", problem);
}

/** What {@link assertAgreementKeepsMasks} refuses, as its message; null when every mask holds. */
export function undoneMasksProblem(agreement: Pick<NewAgreement, "scopes" | "allowedFields">, policies: Iterable<FieldPolicy>): string | null {
  const undone = maskedGrantsUndone(agreementGrantee(agreement), policyIndexOf(policies));
  return undone.length ? `${describeUndoneMasks(undone).join("; ")}: drop the masked scope or the revealing fields` : null;
}

/** The holder of an agreement as `decide` sees it: its scopes, narrowed by its field list when it has one. */
export function agreementGrantee(agreement: Pick<NewAgreement, "scopes" | "allowedFields">): Grantee {
  return { authenticated: true, grants: grantSetOf(agreement.scopes, [], agreement.allowedFields.length ? agreement.allowedFields : undefined) };
}

/**
 * Refuses an operation the agreement could never run, naming what is wrong: a document that is
 * not valid against the API schema, one that introspects, or one that selects a field — or passes
 * an argument comparing against a field — the agreement's scopes (narrowed by its field list) do
 * not grant, each with the scope it needs. It applies the gateway's own rules (the fields a
 * document reaches through fragments and abstract types, `decide`, `argumentDenials`) to the
 * gateway's own policies, so what is registered is what the gateway would run. Masked fields pass:
 * the holder reads them masked. The caller is an administrator, who may see every field's name.
 */
export function assertOperationRunnable(document: DocumentNode, surface: OperationSurface, agreement: Pick<NewAgreement, "scopes" | "allowedFields">): void {
  const invalid = validate(surface.schema, document);
  if (invalid.length) {
    throw badUserInput("document", `is not valid against the API schema: ${invalid.slice(0, 3).map((e) => e.message).join("; ")}`);
  }
  const reach = reachableCoordinates(surface.schema, document);
  if (reach.introspection) throw badUserInput("document", "must not introspect the schema: an agreement grants data");
  const grantee = agreementGrantee(agreement);
  const index = policyIndexOf(surface.policies.values());
  const denied: string[] = [];
  for (const coordinate of [...reach.coordinates].sort()) {
    const policy = surface.policies.get(coordinate);
    const decision = policy ? decide(grantee, policy, index) : { access: "denied" as const, needs: "a classification" };
    if (decision.access === "denied") denied.push(`${coordinate} needs ${decision.needs ?? "a grant the agreement does not give"}`);
    const used = reach.arguments.get(coordinate);
    if (policy && used) {
      for (const denial of argumentDenials(grantee, policy, used, surface.policies, index)) denied.push(`${denial.coordinate} needs ${denial.needs}`);
    }
  }
  if (denied.length) {
    const listed = denied.slice(0, 10).join("; ");
    throw badUserInput("document", `selects what the agreement does not grant, so it could never run: ${listed}${denied.length > 10 ? ` (and ${denied.length - 10} more)` : ""}`);
  }
}
