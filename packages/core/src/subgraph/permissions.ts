import { GraphQLError, defaultFieldResolver, getNamedType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from "graphql";
import { MapperKind, mapSchema } from "@graphql-tools/utils";
import { ErrorCode } from "../errors.ts";
import { granteeOf, type RequestContext } from "../context.ts";
import { decide, policyIndexOf, type Decision } from "../policy/decide.ts";
import { argumentDenials, declaredOrderAllowed } from "../policy/arguments.ts";
import { allowDeclaredOrder } from "./order.ts";
import { maskerFor } from "../policy/mask.ts";
import { readSubgraphPolicies } from "../policy/fields.ts";
import type { FieldPolicy } from "../policy/classification.ts";
import { recordReturned, recordSubject, subjectReader } from "./subjects.ts";

/** Federation's own fields the gateway needs to fetch entities. `_service` has its own refusal (service-field.ts). */
const FEDERATION_FIELDS: Record<string, readonly string[]> = { Query: ["_service", "_entities"], _Service: ["sdl"] };

/**
 * What a field's check says before it resolves: nothing to check (`open`), always refuse (no
 * classification: fallback deny), or a check of the caller's decision, per request and — for
 * fields with classified arguments — per call.
 */
type Gate =
  | { kind: "open" }
  | { kind: "deny" }
  | { kind: "check"; check: (args: Record<string, unknown>, context: RequestContext) => GraphQLError | undefined };

/** What happens to a resolved value: left alone, or recorded as a data subject and masked. */
type Finish = ((value: unknown, parent: unknown, context: RequestContext) => unknown) | undefined;

/**
 * A subgraph's own enforcement, generated from the same `@classified` data and decided by the same
 * `decide` as the gateway's, so a bug in one layer does not leak data. `apply` returns the schema
 * with, per field:
 * - a gate before it resolves: classified fields check the caller's decision (denied → FORBIDDEN);
 *   a field with no classification is always refused (fallback deny), except federation's own
 *   `_service`/`_entities`/`_Service.sdl`; open PUBLIC fields are left unwrapped (no cost);
 * - after it resolves, on PERSONAL and SENSITIVE fields (and any field whose kind has a masking
 *   rule): the person the field is about is recorded in `context.subjects` (see `subjects.ts`) and
 *   the value is masked under a masked grant.
 * Decisions are cached per grant set. This replaces graphql-shield + graphql-middleware, which
 * wrapped every resolver of the schema (2–8× on large lists, their tracker #416/#812) and whose
 * last release calls `util.isUndefined`, removed in Node 23: the same rules as one resolver
 * wrapper per classified field, built once with graphql-tools' `mapSchema`.
 */
export function createSubgraphPermissions(schema: GraphQLSchema, owner: string) {
  const policies = readSubgraphPolicies(schema, owner);
  // Composition checks that every kind revealing a masked kind lives in the same subgraph
  // (`inferenceProblems`), so this subgraph's own policies decide exactly as the gateway does.
  const index = policyIndexOf(policies.values());
  const cache = new Map<string, Map<string, Decision>>();
  const decisionFor = (context: RequestContext, policy: FieldPolicy): Decision => {
    // Anonymous callers and tokens without scopes share a grant set but not `@authenticated`.
    const key = `${context.principal.kind}:${context.principal.grants.key}`;
    let decisions = cache.get(key);
    if (!decisions) {
      if (cache.size > 1_000) cache.clear();
      decisions = new Map();
      cache.set(key, decisions);
    }
    let decision = decisions.get(policy.coordinate);
    if (!decision) {
      decision = decide(granteeOf(context.principal), policy, index);
      decisions.set(policy.coordinate, decision);
    }
    return decision;
  };

  // Decisions depend on the coordinate (an agreement's field list), so every classified field has
  // its own gate, even where classifications are equal.
  const gateFor = (policy: FieldPolicy): Gate => {
    const open = policy.level === "PUBLIC" && !policy.authenticated && !policy.requiresScopes && !policy.policies;
    if (open && !policy.compares && !policy.orderedBy) return { kind: "open" };
    const granted = (context: RequestContext): GraphQLError | undefined => {
      if (decisionFor(context, policy).access === "denied") return forbidden(policy.coordinate);
      if (policy.orderedBy && declaredOrderAllowed(granteeOf(context.principal), policy, policies, index)) {
        allowDeclaredOrder(context, policy.coordinate);
      }
      return undefined;
    };
    if (!policy.compares) return { kind: "check", check: (_args, context) => granted(context) };
    // Arguments differ per call (a grade on one school's roster, none on the next).
    return {
      kind: "check",
      check: (args, context) => {
        const used = Object.keys(args).filter((name) => args[name] !== undefined && args[name] !== null);
        const [denial] = argumentDenials(granteeOf(context.principal), policy, used, policies, index);
        if (denial) {
          return new GraphQLError(`Not authorised to use the argument ${denial.coordinate}.`, {
            extensions: { code: ErrorCode.FORBIDDEN, argumentName: denial.argument, denied: [{ coordinate: denial.coordinate, needs: denial.needs }] },
          });
        }
        return granted(context);
      },
    };
  };

  const finishFor = (policy: FieldPolicy, typeName: string, fieldName: string): Finish => {
    const mask = maskerFor(policy.kind);
    const personal = policy.level === "PERSONAL" || policy.level === "SENSITIVE";
    if (!mask && !personal) return undefined;
    // A personal field returning persons or person-bound rows (`personByIdNumber`,
    // `School.enrolments`) is about them too, even when its parent is not about anyone.
    const subjectOf = personal ? subjectReader(typeName) : undefined;
    const element = personal ? returnedElementType(schema, typeName, fieldName) : undefined;
    const returnedSubjectOf = element ? subjectReader(element) : undefined;
    return (value, parent, context) => {
      const decision = decisionFor(context, policy);
      // The gate stops denied fields before they resolve; should one get here anyway, fail closed.
      if (decision.access === "denied") return null;
      if (subjectOf) recordSubject(context, subjectOf(parent));
      if (returnedSubjectOf) recordReturned(context, value, returnedSubjectOf);
      if (decision.access !== "masked" || !mask) return value;
      return applyMask(value, maskerFor(policy.kind, decision.mask) ?? mask);
    };
  };

  const apply = (target: GraphQLSchema): GraphQLSchema =>
    mapSchema(target, {
      [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
        if (typeName.startsWith("__")) return field;
        const policy = policies.get(`${typeName}.${fieldName}`);
        const gate: Gate = policy ? gateFor(policy) : FEDERATION_FIELDS[typeName]?.includes(fieldName) ? { kind: "open" } : { kind: "deny" };
        const finish = policy ? finishFor(policy, typeName, fieldName) : undefined;
        if (gate.kind === "open" && !finish) return field;
        const resolve: GraphQLFieldResolver<unknown, RequestContext> = field.resolve ?? defaultFieldResolver;
        const guarded: GraphQLFieldResolver<unknown, RequestContext> = (parent, args, context, info) => {
          if (gate.kind === "deny") throw new GraphQLError("Not authorised.", { extensions: { code: ErrorCode.FORBIDDEN } });
          if (gate.kind === "check") {
            const refused = gate.check(args, context);
            if (refused) throw refused;
          }
          const value = resolve(parent, args, context, info);
          if (!finish) return value;
          return isPromiseLike(value) ? Promise.resolve(value).then((v) => finish(v, parent, context)) : finish(value, parent, context);
        };
        return { ...field, resolve: guarded };
      },
    });

  return { apply, policies };
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function forbidden(coordinate: string): GraphQLError {
  return new GraphQLError(`Not authorised to read ${coordinate}.`, { extensions: { code: ErrorCode.FORBIDDEN } });
}

function applyMask(value: unknown, mask: (v: string) => string): unknown {
  if (typeof value === "string") return mask(value);
  if (value instanceof Date) return mask(value.toISOString().slice(0, 10));
  if (Array.isArray(value)) return value.map((v) => applyMask(v, mask));
  return value;
}

/**
 * The object type of what a field returns: the type itself, its list's element, or a connection's
 * `nodes` element; undefined for scalars and enums.
 */
function returnedElementType(schema: GraphQLSchema, typeName: string, fieldName: string): string | undefined {
  const type = schema.getType(typeName);
  const returned = isObjectType(type) ? type.getFields()[fieldName] : undefined;
  const named = returned ? getNamedType(returned.type) : undefined;
  if (!isObjectType(named)) return undefined;
  const nodes = named.getFields().nodes;
  const element = nodes ? getNamedType(nodes.type) : named;
  return isObjectType(element) ? element.name : undefined;
}
