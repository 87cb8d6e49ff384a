import { transportSubgraph } from "@citygraph/subgraph-transport";
import { ALL_SCOPES, gatewayCaller } from "../../../support/security.ts";
import {
  firstError as sharedFirstError,
  startSubgraphHarness,
  type GraphQLResponse,
  type Caller,
  type SubgraphHarness,
} from "../../../support/subgraph-harness.ts";

export { type Connection, type GraphQLResponse as Response } from "../../../support/subgraph-harness.ts";

/**
 * The transport subgraph in-process on its own migrated, scale-1 database. Its tests mostly vary
 * the caller's scopes, so `query` takes scopes and `send` takes the headers the shared `query` does.
 */
export interface TransportHarness extends Omit<SubgraphHarness, "query"> {
  /** POSTs as the gateway would for a caller with `scopes` (default: every scope; null: anonymous). */
  query<T>(
    query: string,
    variables?: Record<string, unknown>,
    scopes?: readonly string[] | null,
  ): Promise<GraphQLResponse<T>>;
  /**
   * POSTs as `caller` in place of the default one, e.g.
   * `gatewayCaller("transport", ALL_SCOPES, ["410105"])` for a row-scoped caller, or raw headers.
   */
  send<T>(
    query: string,
    variables: Record<string, unknown> | undefined,
    caller: Caller,
  ): Promise<GraphQLResponse<T>>;
}

/** Creates a throwaway database, migrates and seeds it at scale 1, and starts the subgraph on port 0. */
export async function startTransport(): Promise<TransportHarness> {
  const harness = await startSubgraphHarness(transportSubgraph);
  return {
    ...harness,
    query: async <T>(
      query: string,
      variables?: Record<string, unknown>,
      scopes: readonly string[] | null = ALL_SCOPES,
    ) => harness.query<T>(query, variables, gatewayCaller("transport", scopes)),
    send: <T>(
      query: string,
      variables: Record<string, unknown> | undefined,
      caller: Caller,
    ) => harness.query<T>(query, variables, caller),
  };
}

/** The first error's code, argument and message, for asserting BAD_USER_INPUT without echoing input. */
export function firstError(response: GraphQLResponse<unknown>): {
  code: unknown;
  argumentName: unknown;
  message: string | undefined;
} {
  return { ...sharedFirstError(response), message: response.errors?.[0]?.message };
}
