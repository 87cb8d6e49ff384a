import { GraphQLError, type GraphQLSchema } from "graphql";
import { allow, deny, rule, shield } from "graphql-shield";
import type { IMiddlewareFunction } from "graphql-middleware";
import { ErrorCode } from "../errors.ts";
import { granteeOf, type RequestContext } from "../context.ts";
import { decide, type Decision } from "../policy/decide.ts";
import { maskerFor } from "../policy/mask.ts";
import { readSubgraphPolicies } from "../policy/fields.ts";
import type { FieldPolicy } from "../policy/classification.ts";

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
 * - a masking middleware on fields whose kind has a masking rule.
 * Decisions are cached per grant set, and rules per policy per request.
 */
export function createSubgraphPermissions(schema: GraphQLSchema, owner: string) {
  const policies = readSubgraphPolicies(schema, owner);
  const cache = new Map<string, Map<string, Decision>>();
  const decisionFor = (context: RequestContext, policy: FieldPolicy): Decision => {
    const key = context.principal.grants.key;
    let decisions = cache.get(key);
    if (!decisions) {
      if (cache.size > 1_000) cache.clear();
      decisions = new Map();
      cache.set(key, decisions);
    }
    let decision = decisions.get(policy.coordinate);
    if (!decision) {
      decision = decide(granteeOf(context.principal), policy);
      decisions.set(policy.coordinate, decision);
    }
    return decision;
  };

  // One named rule per distinct policy: with contextual caching, 100 rows cost one evaluation.
  const rulesByPolicy = new Map<string, ShieldRule>();
  const ruleFor = (policy: FieldPolicy): ShieldRule => {
    if (policy.level === "PUBLIC" && !policy.authenticated && !policy.requiresScopes && !policy.policies) return allow;
    const { coordinate: _coordinate, ...shape } = policy;
    const name = `classified:${JSON.stringify(shape)}`;
    let readable = rulesByPolicy.get(name);
    if (!readable) {
      readable = rule(name, { cache: "contextual" })((_parent, _args, context: RequestContext) => {
        const decision = decisionFor(context, policy);
        return decision.access !== "denied" || forbidden(policy.coordinate);
      });
      rulesByPolicy.set(name, readable);
    }
    return readable;
  };

  const tree: RuleTree = {};
  const masked: MiddlewareTree = {};
  for (const policy of policies.values()) {
    const [typeName, fieldName] = policy.coordinate.split(".") as [string, string];
    (tree[typeName] ??= {})[fieldName] = ruleFor(policy);
    const mask = maskerFor(policy.kind);
    if (!mask) continue;
    (masked[typeName] ??= {})[fieldName] = async (resolve, parent, args, context: RequestContext, info) => {
      const value = await resolve(parent, args, context, info);
      if (decisionFor(context, policy).access !== "masked") return value;
      return applyMask(value, mask);
    };
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
