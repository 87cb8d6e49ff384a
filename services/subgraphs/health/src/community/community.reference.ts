import type { HealthContext } from "../context.ts";

/** Resolves `Community` representations without a query; ids are integers that arrive as strings. */
export function resolveCommunityReference(reference: Record<string, unknown>, _context: HealthContext) {
  const raw = String(reference.id);
  const id = Number(raw);
  return /^[1-9]\d{0,9}$/.test(raw) && id <= 2_147_483_647 ? { id } : null;
}
