import type { EnterpriseContext } from "../context.ts";

/** Resolves `WorkResumptionApplication` representations; ids arrive as strings. */
export function resolveApplicationReference(reference: Record<string, unknown>, context: EnterpriseContext) {
  const id = Number(reference.id);
  return Number.isSafeInteger(id) && id > 0 && id <= 2_147_483_647 ? context.loaders.application.byId.load(id) : null;
}
