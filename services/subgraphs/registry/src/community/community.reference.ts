import type { RegistryContext } from "../context.ts";

/** Resolves `Community` representations; ids arrive as strings. */
export function resolveCommunityReference(reference: Record<string, unknown>, context: RegistryContext) {
  const id = Number(reference.id);
  return Number.isSafeInteger(id) ? context.loaders.community.byId.load(id) : null;
}
