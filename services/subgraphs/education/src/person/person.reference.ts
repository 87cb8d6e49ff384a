import type { EducationContext } from "../context.ts";

/**
 * Resolves `Person` representations without a query: the key is all this subgraph stores, and
 * `enrolment` is loaded only if asked for.
 */
export function resolvePersonReference(reference: Record<string, unknown>, _context: EducationContext) {
  return { id: String(reference.id) };
}
