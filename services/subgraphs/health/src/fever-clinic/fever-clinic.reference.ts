import type { HealthContext } from "../context.ts";

/** Resolves `FeverClinic` representations through the per-request loader; ids arrive as strings. */
export function resolveFeverClinicReference(reference: Record<string, unknown>, context: HealthContext) {
  const raw = String(reference.id);
  return /^[1-9]\d{0,8}$/.test(raw) ? context.loaders.feverClinic.byId.load(Number(raw)) : null;
}
