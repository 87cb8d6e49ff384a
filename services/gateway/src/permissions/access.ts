import type { Decision } from "@citygraph/core";

/** What the permission check decided for one request: every coordinate it reached. */
export interface RequestAccess {
  fields: readonly { coordinate: string; decision: Decision["access"] }[];
  /** Whether any PERSONAL or SENSITIVE field may be returned (in full or masked). */
  personal: boolean;
}

const byContext = new WeakMap<object, RequestAccess>();

/** Records the access decisions of a request, for the ledger. */
export function recordAccess(context: object, access: RequestAccess): void {
  byContext.set(context, access);
}

/** The access decisions recorded for a request, if the permission check ran. */
export function accessOf(context: object): RequestAccess | undefined {
  return byContext.get(context);
}
