import { createByKeyLoader } from "@citygraph/core";
import type { OrganizationRepository } from "./organization.repository.ts";

/** Per-request Organization loaders. */
export function createOrganizationLoaders(repository: OrganizationRepository) {
  return {
    byId: createByKeyLoader((ids: readonly string[]) => repository.findByIds(ids), (o) => o.id),
  };
}
