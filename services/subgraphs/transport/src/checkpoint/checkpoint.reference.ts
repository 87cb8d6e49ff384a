import type { TransportContext } from "../context.ts";

/** Resolves `Checkpoint` representations from other subgraphs through the per-request loader. */
export function resolveCheckpointReference(reference: Record<string, unknown>, context: TransportContext) {
  return context.loaders.checkpoint.byCode.load(String(reference.code));
}
