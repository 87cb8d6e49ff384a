import { createChildPageLoader } from "@citygraph/core";
import type { TimeCursor, TimeWindow } from "../arguments.ts";
import type { CheckpointCrossingRepository, CrossingRow } from "./checkpoint-crossing.repository.ts";

/** The sort key of a crossing: what `after` decodes back to. */
export const crossingKey = (row: CrossingRow) => [row.time.toISOString(), row.id] as const;

/** Per-request CheckpointCrossing loaders: pages of many persons' (or checkpoints') crossings share one statement. */
export function createCheckpointCrossingLoaders(repository: CheckpointCrossingRepository) {
  return {
    byPerson: createChildPageLoader({
      fetch: (ids, window: TimeWindow, limit, after) =>
        repository.listByPersons(ids, window, limit, after as TimeCursor),
      parentOf: (row) => row.personId,
      keyOf: crossingKey,
    }),
    byCheckpoint: createChildPageLoader({
      fetch: (codes, window: TimeWindow, limit, after) =>
        repository.listByCheckpoints(codes, window, limit, after as TimeCursor),
      parentOf: (row) => row.checkpointCode,
      keyOf: crossingKey,
    }),
  };
}
