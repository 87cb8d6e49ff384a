import type { EducationContext } from "../context.ts";

/** Resolves `School` representations; ids arrive as strings, and a malformed one resolves to null. */
export function resolveSchoolReference(reference: Record<string, unknown>, context: EducationContext) {
  const id = Number(reference.id);
  return Number.isSafeInteger(id) && id >= 1 ? context.loaders.school.byId.load(id) : null;
}
