import type { HealthContext } from "../context.ts";

const PERSON_ID = /^[0-9a-f]{16}$/;

/**
 * Resolves `Person` representations without a query: the fields this subgraph adds load through
 * per-request loaders. An id that cannot be a registry id resolves to null rather than to a
 * person with empty health records.
 */
export function resolvePersonReference(reference: Record<string, unknown>, _context: HealthContext) {
  const id = reference.id;
  return typeof id === "string" && PERSON_ID.test(id) ? { id } : null;
}
