import { GraphQLError, getNamedType, isObjectType, type GraphQLSchema } from "graphql";
import { allow, deny, rule, shield } from "graphql-shield";
import type { IMiddlewareFunction } from "graphql-middleware";
import { ErrorCode } from "../errors.ts";
import { granteeOf, type RequestContext } from "../context.ts";
import { decide, policyIndexOf, type Decision } from "../policy/decide.ts";
import { argumentDenials, declaredOrderAllowed } from "../policy/arguments.ts";
import { allowDeclaredOrder } from "./order.ts";
import { maskerFor } from "../policy/mask.ts";
import { readSubgraphPolicies } from "../policy/fields.ts";
import type { FieldPolicy } from "../policy/classification.ts";
import { recordReturned, recordSubject, subjectReader } from "./subjects.ts";

/** Federation's own fields: the gateway must be able to plan and fetch entities. */
const FEDERATION_FIELDS = { Query: { _service: allow, _entities: allow }, _Service: { sdl: allow } };

type ShieldRule = ReturnType<ReturnType<typeof rule>> | typeof allow;
/** Rule trees of graphql-shield: type → field → rule. */
type RuleTree = Record<string, Record<string, ShieldRule>>;
/** Field middleware by type and field. */
type MiddlewareTree = Record<string, Record<string, IMiddlewareFunction>>;

/**
 * A subgraph's own enforcement, generated from the same `@classified` data and decided by the same
 * `decide` as the gateway's, so a bug in one layer does not leak data:
 * - a graphql-shield rule per field (fallback deny; explicit allows for `_service`/`_entities`);
 * - a middleware on PERSONAL and SENSITIVE fields (and any field whose kind has a masking rule)
 *   that records the person the field is about in `context.subjects` (see `subjects.ts`) and
 *   masks the value under a masked grant.
 * Decisions are cached per grant set, and rules per policy per request.
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

  // One named rule per field coordinate: decisions depend on the coordinate (an agreement's field
  // list), so fields that merely share a classification must not share a rule. With contextual
  // caching a list of 100 rows still costs one evaluation per field.
  const ruleFor = (policy: FieldPolicy): ShieldRule => {
    const open = policy.level === "PUBLIC" && !policy.authenticated && !policy.requiresScopes && !policy.policies;
    if (open && !policy.compares && !policy.orderedBy) return allow;
    const granted = (context: RequestContext): true | GraphQLError => {
      if (decisionFor(context, policy).access === "denied") return forbidden(policy.coordinate);
      if (policy.orderedBy && declaredOrderAllowed(granteeOf(context.principal), policy, policies, index)) {
        allowDeclaredOrder(context, policy.coordinate);
      }
      return true;
    };
    if (!policy.compares) return rule(`classified:${policy.coordinate}`, { cache: "contextual" })((_p, _a, context: RequestContext) => granted(context));
    // Arguments differ per call (a grade on one school's roster, none on the next): no cache.
    return rule(`classified:${policy.coordinate}:arguments`, { cache: "no_cache" })(
      (_parent, args: Record<string, unknown>, context: RequestContext) => {
        const used = Object.keys(args).filter((name) => args[name] !== undefined && args[name] !== null);
        const [denial] = argumentDenials(granteeOf(context.principal), policy, used, policies, index);
        if (denial) {
          return new GraphQLError(`Not authorised to use the argument ${denial.coordinate}.`, {
            extensions: { code: ErrorCode.FORBIDDEN, argumentName: denial.argument, denied: [{ coordinate: denial.coordinate, needs: denial.needs }] },
          });
        }
        return granted(context);
      },
    );
  };

  const tree: RuleTree = {};
  const masked: MiddlewareTree = {};
  for (const policy of policies.values()) {
    const [typeName, fieldName] = policy.coordinate.split(".") as [string, string];
    (tree[typeName] ??= {})[fieldName] = ruleFor(policy);
    const mask = maskerFor(policy.kind);
    const personal = policy.level === "PERSONAL" || policy.level === "SENSITIVE";
    if (!mask && !personal) continue;
    // Runs inside the shield (a denied field never gets here), after the field resolved: records
    // whose personal data was returned (full or masked), then masks.
    // A personal field returning persons or person-bound rows (`personByIdNumber`,
    // `School.enrolments`) is about them too, even when its parent is not about anyone.
    const subjectOf = personal ? subjectReader(typeName) : undefined;
    const element = personal ? returnedElementType(schema, typeName, fieldName) : undefined;
    const returnedSubjectOf = element ? subjectReader(element) : undefined;
    const finish = (value: unknown, parent: unknown, context: RequestContext): unknown => {
      const decision = decisionFor(context, policy);
      // The shield stops denied fields before they resolve; should one get here anyway, fail closed.
      if (decision.access === "denied") return null;
      if (subjectOf) recordSubject(context, subjectOf(parent));
      if (returnedSubjectOf) recordReturned(context, value, returnedSubjectOf);
      if (decision.access !== "masked" || !mask) return value;
      return applyMask(value, maskerFor(policy.kind, decision.mask) ?? mask);
    };
    (masked[typeName] ??= {})[fieldName] = async (resolve, parent, args, context: RequestContext, info) =>
      finish(await resolve(parent, args, context, info), parent, context);
  }
  // A subgraph without entities has no `_entities`; shield refuses rules for absent fields.
  for (const [typeName, fields] of Object.entries(FEDERATION_FIELDS)) {
    const type = schema.getType(typeName);
    if (!type || !("getFields" in type)) continue;
    const present = type.getFields();
    for (const [fieldName, fieldRule] of Object.entries(fields)) {
      if (fieldName in present) (tree[typeName] ??= {})[fieldName] = fieldRule;
    }
  }

  return {
    shield: shield(tree, {
      fallbackRule: deny,
      fallbackError: () => new GraphQLError("Not authorised.", { extensions: { code: ErrorCode.FORBIDDEN } }),
      // Resolver errors (BAD_USER_INPUT …) must reach the client as they are, not as a denial.
      allowExternalErrors: true,
    }),
    masking: masked,
    policies,
  };
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
