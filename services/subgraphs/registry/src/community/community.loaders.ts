import { createByKeyLoader, createChildPageLoader } from "@citygraph/core";
import type { CommunityRepository } from "./community.repository.ts";

/** Per-request Community loaders. */
export function createCommunityLoaders(repository: CommunityRepository) {
  return {
    byId: createByKeyLoader((ids: readonly number[]) => repository.findByIds(ids), (c) => c.id),
    byDistrict: createChildPageLoader({
      fetch: (codes, _args: Record<string, never>, limit, after) => repository.listByDistricts(codes, limit, after),
      parentOf: (c) => c.districtCode,
      keyOf: (c) => [c.id],
    }),
  };
}
