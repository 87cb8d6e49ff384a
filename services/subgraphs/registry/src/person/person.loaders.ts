import { createByKeyLoader, createChildPageLoader } from "@citygraph/core";
import type { PersonRepository } from "./person.repository.ts";

/** Per-request Person loaders. */
export function createPersonLoaders(repository: PersonRepository) {
  return {
    byId: createByKeyLoader((ids: readonly string[]) => repository.findByIds(ids), (p) => p.id),
    byCommunity: createChildPageLoader({
      fetch: (ids, _args: Record<string, never>, limit, after) =>
        repository.listByCommunities(ids.map(Number), limit, after),
      parentOf: (p) => String(p.communityId),
      keyOf: (p) => [p.id],
    }),
  };
}
