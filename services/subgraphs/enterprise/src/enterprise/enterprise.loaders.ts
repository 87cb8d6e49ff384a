import { createByKeyLoader } from "@citygraph/core";
import type { EnterpriseRepository } from "./enterprise.repository.ts";

/** Per-request Enterprise loaders. */
export function createEnterpriseLoaders(repository: EnterpriseRepository) {
  return {
    byCreditCode: createByKeyLoader(
      (creditCodes: readonly string[]) => repository.findByCreditCodes(creditCodes),
      (x) => x.creditCode,
    ),
  };
}
