import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildGovernanceSchema } from "./schema.ts";
import { createGovernanceContext } from "./context.ts";
import { syncCatalog } from "./catalog-sync.ts";

/** The bureau's governance service: the data-asset catalog. */
export const governanceSubgraph = definePrismaSubgraph({
  name: "governance",
  PrismaClient,
  buildSchema: buildGovernanceSchema,
  createContext: createGovernanceContext,
  // The catalog is derived from the supergraph, not seeded: it is rebuilt at every start.
  seed: { schema: "governance", tables: () => [] },
  onStart: syncCatalog,
});
