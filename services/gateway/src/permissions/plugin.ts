import { execute, type GraphQLSchema } from "graphql";
import type { ApolloServerPlugin, GraphQLRequestContext } from "@apollo/server";
import { ErrorCode, argumentDenials, clientError, decide, granteeOf, policyIndexOf, type FieldPolicy, type Principal } from "@citygraph/core";
import type { GatewayContext } from "../context.ts";
import { reachableCoordinates } from "@citygraph/core";
import type { VisibleSchemas } from "./visible-schema.ts";
import { BoundedCache } from "@citygraph/core";
import { recordAccess, type RequestAccess } from "./access.ts";

/** What to do with an operation that asks for fields the caller may not read. */
export type DeniedFieldMode =
  /** Reject the whole operation with FORBIDDEN before anything executes (the default). */
  | "reject"
  /** Execute the rest: denied fields come back null, each with a FORBIDDEN error (from the subgraphs). */
  | "filter";

/** Options of {@link createPermissionPlugin}. */
export interface PermissionPluginOptions {
  /** Field policies by coordinate, read from the supergraph. */
  policies: ReadonlyMap<string, FieldPolicy>;
  /** Deployment default. */
  mode: DeniedFieldMode;
  /**
   * Let an authenticated caller ask for `filter` on one request with the header
   * `x-citygraph-denied-fields: null`. Default true.
   */
  allowPerRequestMode: boolean;
  /** Each principal's visible schema: introspection answers from it. */
  visible: VisibleSchemas;
  /** Entries kept in the decision cache. Default 5 000. */
  cacheSize?: number;
}

/** One field the caller asked for and may not read, with what would grant it. */
export interface DeniedField {
  coordinate: string;
  needs: string;
}

interface Verdict extends RequestAccess {
  denied: DeniedField[];
  introspection: boolean;
  mixed: boolean;
}

/**
 * The gateway's permission check, before planning: every coordinate the document can reach is
 * decided for the caller; by default one denial rejects the operation and nothing executes.
 * Verdicts are cached per (document, grant set), so the check costs a map lookup on a warm path.
 * Introspection is answered from the caller's visible schema.
 */
export function createPermissionPlugin(options: PermissionPluginOptions): ApolloServerPlugin<GatewayContext> {
  const verdicts = new BoundedCache<Verdict>(options.cacheSize ?? 5_000);
  const index = policyIndexOf(options.policies.values());

  const judge = (schema: GraphQLSchema, rc: GraphQLRequestContext<GatewayContext>, principal: Principal): Verdict => {
    const key = `${rc.queryHash}\u0000${principal.kind}\u0000${principal.grants.key}`;
    const cached = verdicts.get(key);
    if (cached) return cached;
    const reach = reachableCoordinates(schema, rc.document!);
    const grantee = granteeOf(principal);
    const denied: DeniedField[] = [];
    const fields: RequestAccess["fields"][number][] = [];
    let personal = false;
    for (const coordinate of [...reach.coordinates].sort()) {
      const policy = options.policies.get(coordinate);
      // Composition rejects unclassified fields; should one appear anyway, fail closed.
      const decision = policy ? decide(grantee, policy, index) : { access: "denied" as const, needs: "a classification" };
      const entry: RequestAccess["fields"][number] = { coordinate, decision: decision.access };
      fields.push(entry);
      if (decision.access === "denied") denied.push({ coordinate, needs: decision.needs ?? "" });
      else if (policy && (policy.level === "PERSONAL" || policy.level === "SENSITIVE")) personal = true;
      // An argument that filters by a field is checked like reading that field in full.
      const used = reach.arguments.get(coordinate);
      if (policy && used) {
        for (const denial of argumentDenials(grantee, policy, used, options.policies, index)) {
          // The ledger records coordinates as `Type.field`: the field counts as denied.
          entry.decision = "denied";
          denied.push({ coordinate: denial.coordinate, needs: denial.needs });
        }
      }
    }
    const verdict: Verdict = {
      denied,
      fields,
      personal,
      introspection: reach.introspection,
      mixed: reach.introspection && reach.dataFields > 0,
    };
    verdicts.set(key, verdict);
    return verdict;
  };

  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          options.visible.load(apiSchema);
          verdicts.clear();
        },
      };
    },
    async requestDidStart() {
      let verdict: Verdict | undefined;
      return {
        async didResolveOperation(rc) {
          const principal = rc.contextValue.principal;
          verdict = judge(rc.schema, rc, principal);
          recordAccess(rc.contextValue, verdict);
          if (verdict.mixed) {
            throw clientError(ErrorCode.BAD_USER_INPUT, "Send introspection (__schema, __type) in an operation of its own.", {
              status: 400,
            });
          }
          if (verdict.denied.length === 0 || verdict.introspection) return;
          const perRequest = rc.request.http?.headers.get("x-citygraph-denied-fields");
          // Third parties get exactly their persisted operation or nothing: never partial results.
          const mode: DeniedFieldMode =
            principal.kind === "agreement"
              ? "reject"
              : options.allowPerRequestMode && principal.kind === "user" && perRequest === "null"
                ? "filter"
                : options.mode;
          if (mode === "filter") return;
          throw clientError(
            ErrorCode.FORBIDDEN,
            `Not authorised: this operation reads ${verdict.denied.length} field(s) you have no grant for.`,
            { extensions: { denied: verdict.denied } },
          );
        },
        async responseForOperation(rc) {
          if (!verdict?.introspection) return null;
          const schema = options.visible.of(rc.contextValue.principal);
          // Loaded with the supergraph, before any request; never fall back to the full schema.
          if (!schema) throw new Error("introspection: the visible schema has not loaded");
          const result = await execute({
            schema,
            document: rc.document,
            operationName: rc.request.operationName,
            variableValues: rc.request.variables,
          });
          return { http: rc.response.http, body: { kind: "single", singleResult: result } };
        },
      };
    },
  };
}
