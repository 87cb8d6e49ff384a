import type { SeedPlan } from "@citygraph/core";

/** Nothing: the catalog is derived from the supergraph (rebuilt at every start), agreements are made by people. */
export const governanceSeed: SeedPlan = { schema: "governance", tables: () => [] };
