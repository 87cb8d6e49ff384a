import { createByKeyLoader } from "@citygraph/core";
import type { CheckpointRepository } from "./checkpoint.repository.ts";

/** Per-request Checkpoint loaders. */
export function createCheckpointLoaders(repository: CheckpointRepository) {
  return {
    byCode: createByKeyLoader(
      (codes: readonly string[]) => repository.findByCodes(codes),
      (c) => c.code,
    ),
  };
}
