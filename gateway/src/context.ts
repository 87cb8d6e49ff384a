import type { Logger, Principal } from "@citygraph/core";

/** The gateway's per-request context: every subgraph request is made on behalf of it. */
export interface GatewayContext {
  requestId: string;
  principal: Principal;
  log: Logger;
}
