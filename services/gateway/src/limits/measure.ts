import {
  Kind,
  Lexer,
  Source,
  TokenKind,
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type SelectionSetNode,
  type ValueNode,
} from "graphql";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";

/** What an operation document would cost, measured in time linear in its size. */
export interface OperationMeasure {
  tokens: number;
  depth: number;
  aliases: number;
  directives: number;
  /** Field selections after fragment expansion (a fragment spread twice counts twice). */
  fields: number;
  /** Estimated objects and values the subgraphs would produce: fields × list sizes along the path. */
  cost: number;
}

/** How the cost estimate sizes lists. */
export interface CostModel {
  /** Items assumed for a paginated field without `first`. */
  defaultPageSize: number;
  /** Largest `first` a subgraph accepts (larger values are refused there, so they count as this). */
  maxPageSize: number;
  /** Items assumed for a list field without `first` (e.g. `districts`). */
  unpaginatedListSize: number;
}

/** Counting stops here: beyond this no budget can be met, and exact numbers buy nothing. */
const SATURATED = Number.MAX_SAFE_INTEGER;
const add = (a: number, b: number) => Math.min(SATURATED, a + b);
const times = (a: number, b: number) => Math.min(SATURATED, a * b);

/**
 * Counts tokens (at most `cap` + 1, so a 1 MiB document costs no more than `cap` tokens of lexing).
 * Undefined when the document does not lex: Apollo's own parse then reports the syntax error.
 */
export function countTokens(source: string, cap: number): number | undefined {
  const lexer = new Lexer(new Source(source));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > cap) return count;
    }
  } catch {
    return undefined;
  }
  return count;
}

/**
 * Measures a document already known to hold few enough tokens. Depth, aliases and directives are
 * graphql-armor's rules (each fragment evaluated once, checked linear on the doubled-fragment
 * attack), run as measuring rules with no limit of their own, in a `validate` pass holding only
 * them; field count and cost are computed here because no library counts expanded selections by
 * memoised fragment sizes, and graphql-armor's cost rule and graphql-query-complexity neither know
 * citygraph's page sizes nor take `first` from variables (graphql-query-complexity also expands
 * every fragment spread, so it is exponential on that document and only stops at its node cap).
 * Undefined when the document does not parse.
 */
export function measureDocument(
  source: string,
  tokens: number,
  schema: GraphQLSchema,
  model: CostModel,
  variables: Record<string, unknown> | undefined,
): OperationMeasure | undefined {
  let document: DocumentNode;
  try {
    document = parse(source, { noLocation: true });
  } catch {
    return undefined;
  }
  const seen = { depth: 0, aliases: 0, directives: 0 };
  const unlimited = { n: SATURATED, exposeLimits: false, propagateOnRejection: false };
  validate(schema, document, [
    maxDepthRule({ ...unlimited, flattenFragments: true, onAccept: [(_c, { n }) => void (seen.depth = Math.max(seen.depth, n))] }),
    maxAliasesRule({ ...unlimited, onAccept: [(_c, { n }) => void (seen.aliases = add(seen.aliases, n))] }),
    maxDirectivesRule({ ...unlimited, onAccept: [(_c, { n }) => void (seen.directives = add(seen.directives, n))] }),
  ]);
  const { fields, cost } = countSelections(document, schema, model, variables ?? {});
  return { tokens, ...seen, fields, cost };
}

interface Counts {
  fields: number;
  cost: number;
}

/**
 * Field selections and cost of every operation, each fragment counted once per type it is read
 * at and reused: linear in the document, where expanding spreads is exponential. Introspection
 * (`__schema`, `__type`) counts as fields but costs nothing (its size is the schema's, and
 * graphql-js's MaxIntrospectionDepthRule bounds its nesting).
 */
function countSelections(
  document: DocumentNode,
  schema: GraphQLSchema,
  model: CostModel,
  variables: Record<string, unknown>,
): Counts {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const memo = new Map<string, Counts>();
  const inProgress = new Set<string>();

  const sizeOf = (value: ValueNode | undefined): number => {
    let first: unknown;
    if (value?.kind === Kind.INT) first = Number(value.value);
    else if (value?.kind === Kind.VARIABLE) first = variables[value.name.value];
    if (typeof first !== "number" || !Number.isInteger(first) || first < 1) return model.defaultPageSize;
    return Math.min(first, model.maxPageSize);
  };

  const walk = (set: SelectionSetNode, parent: GraphQLCompositeType | undefined, introspection: boolean): Counts => {
    let fields = 0;
    let cost = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const inIntrospection = introspection || name === "__schema" || name === "__type";
        const definition = parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        let multiplier = 1;
        const first = selection.arguments?.find((a) => a.name.value === "first");
        if (first || definition?.args.some((a) => a.name === "first")) multiplier = sizeOf(first?.value);
        // A list without `first` inside a connection (`nodes`) is already sized by its parent; a
        // list of scalars or enums (scopes, tags) is one value, not a list of objects to fetch.
        else if (definition && selection.selectionSet && isListType(getNullableType(definition.type)) && !parent!.name.endsWith("Connection")) {
          multiplier = model.unpaginatedListSize;
        }
        const child = selection.selectionSet
          ? walk(selection.selectionSet, definition ? (getNamedType(definition.type) as GraphQLCompositeType) : undefined, inIntrospection)
          : { fields: 0, cost: 0 };
        fields = add(fields, add(1, child.fields));
        if (!inIntrospection) cost = add(cost, times(multiplier, add(1, child.cost)));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? (schema.getType(selection.typeCondition.name.value) as GraphQLCompositeType) : parent;
        const inner = walk(selection.selectionSet, type, introspection);
        fields = add(fields, inner.fields);
        cost = add(cost, inner.cost);
      } else {
        const inner = spread(selection.name.value, introspection);
        fields = add(fields, inner.fields);
        cost = add(cost, inner.cost);
      }
    }
    return { fields, cost };
  };

  const spread = (name: string, introspection: boolean): Counts => {
    const key = `${name}:${introspection}`;
    const known = memo.get(key);
    if (known) return known;
    const fragment = fragments.get(name);
    // Unknown and cyclic fragments are refused by graphql-js's own rules, which run next.
    if (!fragment || inProgress.has(key)) return { fields: 0, cost: 0 };
    inProgress.add(key);
    const counts = walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value) as GraphQLCompositeType, introspection);
    inProgress.delete(key);
    memo.set(key, counts);
    return counts;
  };

  let fields = 0;
  let cost = 0;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = d.operation === "query" ? schema.getQueryType() : d.operation === "mutation" ? schema.getMutationType() : schema.getSubscriptionType();
    const counts = walk(d.selectionSet, root ?? undefined, false);
    fields = add(fields, counts.fields);
    cost = add(cost, counts.cost);
  }
  return { fields, cost };
}
