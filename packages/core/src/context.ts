import type { Logger } from "./log.ts";

/**
 * Who is asking. Every resolver reaches data only through a context that carries one, so the
 * permission layer can decide per principal without rewriting resolvers.
 */
export type Principal = { kind: "anonymous" };

/** What every subgraph's per-request context holds besides its own loaders. */
export interface RequestContext {
  requestId: string;
  principal: Principal;
  log: Logger;
}
