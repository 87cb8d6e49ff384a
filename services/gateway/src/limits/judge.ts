import type { IncomingMessage } from "node:http";
import type { ApolloServerPlugin } from "@apollo/server";
import type { GraphQLSchema } from "graphql";
import type { Principal } from "@citygraph/core";
import { LIMITS, type NormalizedOperationLimits } from "./budgets.ts";
import { countTokens, measureDocument } from "./measure.ts";
import { sha256Hex } from "@citygraph/ledger";
import { BoundedCache } from "@citygraph/core";

/** Verdicts remembered per schema (documents judged with no variables, up to this size). */
const VERDICT_CACHE_SIZE = 2_000;
/** Longer documents are judged afresh each time (hashing is then no longer small beside measuring). */
const CACHEABLE_SOURCE_CHARS = 16_384;

/** Why a document was refused: the registry code, a message, and which limit it broke. */
export interface LimitRefusal {
  code: (typeof LIMITS)[number]["code"];
  message: string;
  extensions: { limit: number; actual: number; budget: Principal["kind"] };
}

/** The document a request carries, as far as it can be read without parsing it. */
export interface RequestDocument {
  source: string;
  variables: Record<string, unknown> | undefined;
  /** Found by its hash in the persisted-query cache: the request carried no document of its own. */
  persisted?: true;
}

/** Judges documents against their caller's budget; see {@link createOperationJudge}. */
export interface OperationJudge {
  /** Hands the judge the API schema as the gateway loads it (list types, `first` arguments). */
  plugin: ApolloServerPlugin;
  /**
   * The refusal of `document` for a caller of `kind`, or undefined when it is within budget;
   * measured against `schema` when given (the caller's visible schema), else the API schema.
   */
  judge(kind: Principal["kind"], document: RequestDocument, schema?: GraphQLSchema): LimitRefusal | undefined;
}

/**
 * Judges a document before Apollo parses or validates it. It runs at the HTTP layer's `prepare`
 * step, not in a plugin hook: Apollo 5 answers an error thrown from `didResolveSource` with a
 * 500, and its validation pass holds graphql-js's own rules (overlapping fields on thousands of
 * aliases is super-linear), so a `validationRules` entry would come too late. Every measure is
 * linear in the document and token counting stops at the budget, so any body up to the size
 * limit is judged in bounded time.
 */
export function createOperationJudge(limits: NormalizedOperationLimits): OperationJudge {
  const { budgets, model } = limits;
  let schema: GraphQLSchema | undefined;
  // An app sends the same few documents all day, and measuring one costs ~0.4 ms under load: the
  // verdict depends only on the caller kind, the schema measured against and the document, as
  // long as no variables can set a list's size. Per schema object, so a caller's visible schema
  // (itself cached per grant set) never shares verdicts with another's.
  const verdicts = new WeakMap<GraphQLSchema, BoundedCache<LimitRefusal | null>>();
  const judge = (
    kind: Principal["kind"],
    { source, variables }: RequestDocument,
    callerSchema?: GraphQLSchema,
  ): LimitRefusal | undefined => {
    const against = callerSchema ?? schema;
    const cacheable =
      against !== undefined &&
      source.length <= CACHEABLE_SOURCE_CHARS &&
      (!variables || Object.keys(variables).length === 0);
    if (!cacheable) return measured(kind, source, variables, callerSchema);
    let cache = verdicts.get(against);
    if (!cache) verdicts.set(against, (cache = new BoundedCache(VERDICT_CACHE_SIZE)));
    // Keyed by the document's hash: callers choose documents, and 2 000 of 16 KiB kept as keys
    // would be tens of MB per schema.
    const key = `${kind}\n${sha256Hex(source)}`;
    const known = cache.get(key);
    // A copy: whoever answers the refusal must not be able to change the next caller's.
    if (known !== undefined) return known ? { ...known, extensions: { ...known.extensions } } : undefined;
    const verdict = measured(kind, source, variables, callerSchema);
    cache.set(key, verdict ?? null);
    return verdict;
  };
  function measured(
    kind: Principal["kind"],
    source: string,
    variables: Record<string, unknown> | undefined,
    callerSchema?: GraphQLSchema,
  ): LimitRefusal | undefined {
    const budget = budgets[kind];
    const refusal = (index: number, actual: number): LimitRefusal => {
      const { code, key, what } = LIMITS[index]!;
      return {
        code,
        message: `The operation's ${what} (${actual}) exceeds the ${kind} limit of ${budget[key]}.`,
        extensions: { limit: budget[key], actual, budget: kind },
      };
    };
    const tokens = countTokens(source, budget.tokens);
    // A syntax error: Apollo's parse reports it, within the token budget just checked.
    if (tokens === undefined) return undefined;
    if (tokens > budget.tokens) return refusal(0, tokens);
    // Apollo loads the static supergraph before the server listens, so this cannot be missing
    // while requests arrive; if it ever were, nothing runs unjudged.
    if (!schema) throw new Error("operation limits: the API schema has not loaded");
    const measure = measureDocument(source, tokens, callerSchema ?? schema, model, variables);
    if (!measure) return undefined;
    const broken = LIMITS.findIndex(({ key }) => measure[key] > budget[key]);
    return broken < 0 ? undefined : refusal(broken, measure[LIMITS[broken]!.key]);
  }
  return {
    plugin: {
      async serverWillStart() {
        return {
          schemaDidLoadOrUpdate({ apiSchema }) {
            schema = apiSchema;
          },
        };
      },
    },
    judge,
  };
}

/**
 * The document and variables of a GraphQL request: a POST body's `query`, a GET's `query`
 * parameter, or for an automatic persisted query that sends only its hash, the document that
 * `lookupPersisted` finds (Apollo's APQ cache). Undefined when there is none (Apollo then answers
 * the request's problem itself).
 */
export async function requestDocumentOf(
  req: IncomingMessage,
  body: unknown,
  lookupPersisted: (sha256Hash: string) => Promise<string | undefined>,
): Promise<RequestDocument | undefined> {
  let query: unknown;
  let variables: unknown;
  let extensions: unknown;
  if (req.method === "GET") {
    const params = new URL(req.url ?? "/", "http://gateway").searchParams;
    query = params.get("query") ?? undefined;
    variables = jsonParam(params.get("variables"));
    extensions = jsonParam(params.get("extensions"));
  } else if (body && typeof body === "object") {
    ({ query, variables, extensions } = body as Record<string, unknown>);
  }
  let persisted = false;
  if (typeof query !== "string") {
    const hash = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery
      ?.sha256Hash;
    query = typeof hash === "string" ? await lookupPersisted(hash) : undefined;
    persisted = true;
  }
  if (typeof query !== "string") return undefined;
  const vars =
    variables && typeof variables === "object" && !Array.isArray(variables)
      ? (variables as Record<string, unknown>)
      : undefined;
  return { source: query, variables: vars, ...(persisted ? { persisted: true as const } : {}) };
}

function jsonParam(value: string | null): unknown {
  if (!value) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}
