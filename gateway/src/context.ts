import type { Logger, Principal } from "@citygraph/core";

/** The gateway's per-request context: every subgraph request is made on behalf of it. */
export interface GatewayContext {
  requestId: string;
  principal: Principal;
  log: Logger;
  /**
   * Pseudonymous ids of the persons whose PERSONAL or SENSITIVE data the subgraphs returned for
   * this request (full or masked), collected from their responses by `SubgraphDataSource`; created
   * on first use, so absent when none was returned. Never sent to the client.
   */
  subjects?: Set<string>;
  /** When execution (planning, then fetching) began, `performance.now()` ms: for the plan-latency metric. */
  planStartedAt?: number;
}
