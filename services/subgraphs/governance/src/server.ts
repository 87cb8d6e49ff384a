import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildGovernanceSchema } from "./schema.ts";
import { createGovernanceContext } from "./context.ts";
import { syncCatalog } from "./catalog-sync.ts";
import { governanceSeed } from "./seed.ts";

/** The bureau's governance service: the data-asset catalog. */
export const governanceSubgraph = definePrismaSubgraph({
  name: "governance",
  PrismaClient,
  buildSchema: buildGovernanceSchema,
  createContext: createGovernanceContext,
  seed: governanceSeed,
  onStart: syncCatalog,
});
