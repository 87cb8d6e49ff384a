import type { RegistryContext } from "../context.ts";

/** Resolves `District` representations from other subgraphs through the per-request loader. */
export function resolveDistrictReference(reference: Record<string, unknown>, context: RegistryContext) {
  return context.loaders.district.byCode.load(String(reference.code));
}
