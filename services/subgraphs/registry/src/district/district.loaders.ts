import { createByKeyLoader } from "@citygraph/core";
import type { DistrictRepository } from "./district.repository.ts";

/** Per-request District loaders. */
export function createDistrictLoaders(repository: DistrictRepository) {
  return { byCode: createByKeyLoader((codes: readonly string[]) => repository.findByCodes(codes), (d) => d.code) };
}
