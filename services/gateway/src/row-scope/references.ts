import { createHash, randomBytes } from "node:crypto";
import {
  Kind,
  TypeInfo,
  getNamedType,
  isListType,
  isNonNullType,
  isObjectType,
  print,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type FieldNode,
  type GraphQLSchema,
  type GraphQLOutputType,
  type OperationDefinitionNode,
} from "graphql";
import type { GatewayExecutor, GatewayGraphQLRequestContext, GatewayInterface } from "@apollo/server-gateway-interface";
import { rowScopeOf, type Principal, type SupergraphField } from "@citygraph/core";
import { BoundedCache } from "@citygraph/core";

/**
 * Entity types whose rows are bound to a district in one subgraph (their owner) and referenced
 * from others, each with the field that confirms a reference: `inScope`, resolved only by the
 * owner, PUBLIC and always true, so it is null exactly when the owner's `_entities` answered null
 * — which it does for a row outside the caller's districts.
 */
export function scopeProbesOf(fields: readonly SupergraphField[]): ReadonlyMap<string, string> {
  const byType = new Map<string, SupergraphField[]>();
  for (const field of fields) byType.set(field.typeName, [...(byType.get(field.typeName) ?? []), field]);
  const probes = new Map<string, string>();
  for (const [typeName, typeFields] of byType) {
    if (typeName === "Query" || typeName === "Mutation" || typeName === "Subscription") continue;
    const district = typeFields.find((f) => f.fieldName === "district" && /^District!?$/.test(f.returnType));
    if (!district || district.owners.length !== 1) continue;
    const [owner] = district.owners;
    // Referenced from elsewhere: some field (the key at least) is resolved by another subgraph.
    if (!typeFields.some((f) => f.owners.some((o) => o !== owner))) continue;
    // Nullable, so the null reaches the gateway's rewrite (a non-null field would make Apollo null
    // the object itself, leaving no trace of why, and errors under it would still be reported).
    const probe = typeFields.find(
      (f) => f.fieldName === "inScope" && f.owners.length === 1 && f.owners[0] === owner && f.policy?.level === "PUBLIC" && f.returnType === "Boolean",
    );
    if (!probe) {
      throw new Error(
        `${typeName} is district-bound in ${owner} and referenced from other subgraphs, but ${owner} gives it no PUBLIC, nullable ` +
          `\`inScope: Boolean\` for the gateway to confirm a reference is in scope: add one, as Person.inScope.`,
      );
    }
    probes.set(typeName, probe.fieldName);
  }
  return probes;
}

/**
 * Makes a reference to a row outside the caller's districts resolve to null, not to an object that
 * keeps its key. A subgraph that holds a foreign key (an enrolment's pupil, an enterprise's legal
 * representative) answers the reference with that key alone; only the owner knows the row's
 * district, and Apollo's gateway keeps the key when the owner's `_entities` answers null — so a
 * pupil living in another district still showed up as `{ id }`, the relationship itself being
 * out-of-scope data. For a caller with a row scope, every nullable position of a probed type gets
 * the owner's probe field under a reserved alias, which forces the owner to be asked; where the
 * probe comes back null the object becomes null, and the alias is removed from every response.
 *
 * Written here rather than found: neither @apollo/gateway nor Hive Gateway offer a hook between
 * entity resolution and the merged response, so the rewrite wraps the gateway's executor.
 *
 * @param gateway the Apollo gateway to wrap.
 * @param probes from {@link scopeProbesOf}.
 * @param cacheSize rewritten documents kept (default 2 000).
 */
export function scopingReferences(gateway: GatewayInterface, probes: ReadonlyMap<string, string>, cacheSize = 2_000): GatewayInterface {
  if (probes.size === 0) return gateway;
  // Unguessable, so a client alias can neither collide with it nor be stripped as if it were it.
  const alias = `__cgScope${randomBytes(6).toString("hex")}`;
  const rewrites = new BoundedCache<{ document: DocumentNode; queryHash: string } | null>(cacheSize);
  let schema: GraphQLSchema | undefined;
  const wrap =
    (executor: GatewayExecutor): GatewayExecutor =>
    async (requestContext) => {
      const principal = (requestContext.context as { principal?: Principal }).principal;
      if (!principal || rowScopeOf(principal) === undefined || !schema) return executor(requestContext);
      let rewrite = rewrites.get(requestContext.queryHash);
      if (rewrite === undefined) {
        rewrite = withProbes(schema, requestContext.document, probes, alias);
        rewrites.set(requestContext.queryHash, rewrite);
      }
      if (!rewrite) return executor(requestContext);
      const operation =
        rewrite.document.definitions.find(
          (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && d.name?.value === requestContext.operation.name?.value,
        ) ?? requestContext.operation;
      const scoped: GatewayGraphQLRequestContext = {
        ...requestContext,
        document: rewrite.document,
        operation,
        queryHash: rewrite.queryHash,
      };
      const result = await executor(scoped);
      const nulled: string[] = [];
      if (result.data) result.data = withoutOutOfScope(result.data, alias, "", nulled) as Record<string, unknown>;
      // Nothing may be said of what lies under a reference made null, not even that another
      // subgraph had an error there (which would show the reference existed).
      const hidden = (path: readonly unknown[] | undefined) => {
        if (path === undefined) return false;
        if (path.includes(alias)) return true;
        const joined = `${path.join("\u0000")}\u0000`;
        return nulled.some((prefix) => joined.startsWith(prefix));
      };
      if (result.errors) {
        const errors = result.errors.filter((e) => !hidden(e.path));
        result.errors = errors.length ? errors : undefined;
      }
      // Value-completion problems under a nulled reference are hidden like errors.
      const completion = result.extensions?.valueCompletion as { path?: unknown[] }[] | undefined;
      if (Array.isArray(completion)) {
        const kept = completion.filter((e) => !hidden(e.path));
        if (kept.length) result.extensions!.valueCompletion = kept;
        else delete result.extensions!.valueCompletion;
        if (Object.keys(result.extensions!).length === 0) delete result.extensions;
      }
      return result;
    };
  return {
    async load(options) {
      const loaded = await gateway.load(options);
      return { ...loaded, executor: loaded.executor && wrap(loaded.executor) };
    },
    onSchemaLoadOrUpdate(callback) {
      return gateway.onSchemaLoadOrUpdate((update) => {
        schema = update.apiSchema;
        rewrites.clear();
        callback(update);
      });
    },
    stop: () => gateway.stop(),
  };
}

function withProbes(
  schema: GraphQLSchema,
  document: DocumentNode,
  probes: ReadonlyMap<string, string>,
  alias: string,
): { document: DocumentNode; queryHash: string } | null {
  const typeInfo = new TypeInfo(schema);
  let changed = false;
  const rewritten = visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field: {
        enter(node: FieldNode): FieldNode | undefined {
          const definition = typeInfo.getFieldDef();
          if (!definition || !node.selectionSet) return undefined;
          const named = getNamedType(definition.type);
          const probe = isObjectType(named) ? probes.get(named.name) : undefined;
          // A non-null position could not hold the null (nor could its non-null list items).
          if (!probe || !itemsNullable(definition.type)) return undefined;
          changed = true;
          const field: FieldNode = {
            kind: Kind.FIELD,
            alias: { kind: Kind.NAME, value: alias },
            name: { kind: Kind.NAME, value: probe },
          };
          return { ...node, selectionSet: { ...node.selectionSet, selections: [...node.selectionSet.selections, field] } };
        },
      },
    }),
  );
  if (!changed) return null;
  const source = print(rewritten);
  return { document: rewritten, queryHash: createHash("sha256").update(source).digest("hex") };
}

/** Whether a null may stand for the object: the field is nullable, and so is every list level. */
function itemsNullable(type: GraphQLOutputType): boolean {
  let current: GraphQLOutputType = type;
  for (;;) {
    if (isNonNullType(current)) return false;
    if (!isListType(current)) return true;
    current = current.ofType;
  }
}

/**
 * The response data with every object whose probe is null replaced by null, and the probes gone;
 * `nulled` collects the paths made null (joined by NUL, with a trailing NUL, for prefix tests).
 */
function withoutOutOfScope(value: unknown, alias: string, path: string, nulled: string[]): unknown {
  if (Array.isArray(value)) return value.map((item, i) => withoutOutOfScope(item, alias, `${path}${i}\u0000`, nulled));
  if (value === null || typeof value !== "object") return value;
  const object = value as Record<string, unknown>;
  if (alias in object) {
    if (object[alias] === null || object[alias] === undefined) {
      nulled.push(path);
      return null;
    }
    delete object[alias];
  }
  for (const [key, child] of Object.entries(object)) object[key] = withoutOutOfScope(child, alias, `${path}${key}\u0000`, nulled);
  return object;
}
