import { createHash } from "node:crypto";
import {
  GraphQLError,
  Kind,
  buildASTSchema,
  parse,
  printSchema,
  specifiedRules,
  validate,
  type GraphQLFormattedError,
  type GraphQLSchema,
} from "graphql";
import { filterSchema, pruneSchema } from "@graphql-tools/utils";
import { decide, granteeOf, policyIndexOf, type FieldPolicy, type Principal } from "@citygraph/core";
import { BoundedCache } from "@citygraph/core";
import { reachableCoordinates } from "@citygraph/core";

/** A document judged against one caller's visible schema. */
export interface Visibility {
  /** Validation errors, as graphql-js words them without suggestions; empty when it validates. */
  errors: readonly GraphQLFormattedError[];
  /** Coordinates the document names that exist but the caller may not read (for the ledger only). */
  hidden: readonly string[];
}

const VALID: Visibility = { errors: [], hidden: [] };

/**
 * The API schema as one principal may see it: fields it cannot read (in full or masked) are gone,
 * and so are types nothing visible reaches. Introspection runs against this schema, so a caller
 * never learns the name of a field it may not read.
 */
export function visibleSchema(schema: GraphQLSchema, policies: ReadonlyMap<string, FieldPolicy>, principal: Principal): GraphQLSchema {
  const grantee = granteeOf(principal);
  const index = policyIndexOf(policies.values());
  const readable = (typeName: string, fieldName: string) => {
    const policy = policies.get(`${typeName}.${fieldName}`);
    return policy !== undefined && decide(grantee, policy, index).access !== "denied";
  };
  const filtered = filterSchema({
    schema,
    // filterSchema asks about root fields separately: without this, every query and mutation name showed.
    rootFieldFilter: (operation, fieldName) => readable(operation, fieldName),
    objectFieldFilter: readable,
    interfaceFieldFilter: () => true,
  });
  // Round-trip through SDL: filterSchema keeps stale references that pruning alone can leave behind.
  return pruneSchema(buildASTSchema(parse(printSchema(filtered))));
}

/** Each principal's visible schema, built once per grant set; see {@link createVisibleSchemas}. */
export interface VisibleSchemas {
  /** Takes the API schema as the gateway (re)loads it; forgets every schema built from the last one. */
  load(apiSchema: GraphQLSchema): void;
  /** `principal`'s visible schema, or undefined before the API schema has loaded. */
  of(principal: Principal): GraphQLSchema | undefined;
  /**
   * The document `source` validated against `principal`'s visible schema: its errors, or none
   * (also for a syntax error, which Apollo reports alike to everyone). A name the caller may
   * not read fails exactly as a name that does not exist: same rule, same message, never a
   * suggestion. Cached per (document, grant set).
   */
  validate(principal: Principal, source: string): Visibility;
}

/**
 * One cache of visible schemas for the gateway: introspection answers from it, and the uniform
 * validation of anonymous and third-party documents runs against it.
 *
 * @param policies field policies by coordinate, read from the supergraph.
 * @param sizes entries kept: `schemas` (one per grant set, default 200) and `verdicts` (one per
 *   document and grant set, default 5 000). Bounded, so neither grows with traffic.
 */
export function createVisibleSchemas(
  policies: ReadonlyMap<string, FieldPolicy>,
  sizes: { schemas?: number; verdicts?: number } = {},
): VisibleSchemas {
  let api: GraphQLSchema | undefined;
  const schemas = new BoundedCache<GraphQLSchema>(sizes.schemas ?? 200);
  const verdicts = new BoundedCache<Visibility>(sizes.verdicts ?? 5_000);
  const index = policyIndexOf(policies.values());
  const keyOf = (principal: Principal) => `${principal.kind}\u0000${principal.grants.key}`;
  const of = (principal: Principal): GraphQLSchema | undefined => {
    if (!api) return undefined;
    const key = keyOf(principal);
    let schema = schemas.get(key);
    if (!schema) {
      schema = visibleSchema(api, policies, principal);
      schemas.set(key, schema);
    }
    return schema;
  };
  return {
    load(apiSchema) {
      api = apiSchema;
      schemas.clear();
      verdicts.clear();
    },
    of,
    validate(principal, source) {
      const key = `${createHash("sha256").update(source).digest("base64")}\u0000${keyOf(principal)}`;
      const cached = verdicts.get(key);
      if (cached) return cached;
      let document;
      try {
        document = parse(source);
      } catch {
        return VALID;
      }
      const schema = of(principal);
      // Nothing is served before the supergraph loads, so this cannot happen while requests
      // arrive; if it ever did, fail closed rather than judge against nothing.
      if (!schema) throw new Error("visible schema: the API schema has not loaded");
      // graphql-js validates a mutation against a schema without a Mutation type as valid (it is
      // an execution error), and the permission check would then answer FORBIDDEN: a root the
      // caller cannot see fails like one that does not exist, before any of its fields is judged.
      const rootless = document.definitions.flatMap((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION && !schema.getRootType(definition.operation)
          ? [new GraphQLError(`Schema is not configured to execute ${definition.operation} operation.`, { nodes: definition })]
          : [],
      );
      const found = rootless.length ? rootless : validate(schema, document, specifiedRules, { hideSuggestions: true });
      const errors = found.map(
        (error): GraphQLFormattedError => ({
          message: error.message,
          ...(error.locations ? { locations: error.locations } : {}),
          extensions: { code: "GRAPHQL_VALIDATION_FAILED" },
        }),
      );
      let verdict = VALID;
      if (errors.length > 0) {
        const grantee = granteeOf(principal);
        const hidden = [...reachableCoordinates(api!, document).coordinates].filter((coordinate) => {
          const policy = policies.get(coordinate);
          return !policy || decide(grantee, policy, index).access === "denied";
        });
        verdict = { errors, hidden: hidden.sort() };
      }
      verdicts.set(key, verdict);
      return verdict;
    },
  };
}
