import type { Logger, Principal } from "@citygraph/core";

/** The gateway's per-request context: every subgraph request is made on behalf of it. */
export interface GatewayContext {
  /** The gateway's own id of the request (unique; the ledger's key). */
  requestId: string;
  /** The client's `x-request-id`, when it sent a plain one (see `clientRequestIdOf`). */
  clientRequestId?: string;
  principal: Principal;
  log: Logger;
  /**
   * Pseudonymous ids of the persons whose PERSONAL or SENSITIVE data the subgraphs returned for
   * this request (full or masked), collected from their responses by `SubgraphDataSource`; created
   * on first use, so absent when none was returned. Never sent to the client.
   */
  subjects?: Set<string>;
  /** A third party's records per day (its agreement's), which every response is held to. */
  recordsPerDay?: number;
  /**
   * Subgraphs that failed (down, refusing, timed out) during this request, recorded by
   * `SubgraphDataSource`; the ledger marks the fields they own as not delivered. Absent when none.
   */
  failedSubgraphs?: Set<string>;
  /** When execution (planning, then fetching) began, `performance.now()` ms: for the plan-latency metric. */
  planStartedAt?: number;
}
