import { creditCodeProblem } from "@citygraph/core";
import type { EnterpriseContext } from "../context.ts";

/** Resolves `Enterprise` representations through the per-request loader; a malformed code is no enterprise. */
export function resolveEnterpriseReference(reference: Record<string, unknown>, context: EnterpriseContext) {
  const creditCode = String(reference.creditCode);
  return creditCodeProblem(creditCode) ? null : context.loaders.enterprise.byCreditCode.load(creditCode);
}
