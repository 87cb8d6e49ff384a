import type { RegistryContext } from "../context.ts";

/** Resolves `Person` representations from other subgraphs: one query per request, however many. */
export function resolvePersonReference(reference: Record<string, unknown>, context: RegistryContext) {
  return context.loaders.person.byId.load(String(reference.id));
}
