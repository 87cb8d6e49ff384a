import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildHealthSchema } from "./schema.ts";
import { createHealthContext } from "./context.ts";
import { healthSeed } from "./seed.ts";

/** The health commission: fever clinics, health declarations and codes, community risk tiers, case counts. */
export const healthSubgraph = definePrismaSubgraph({
  name: "health",
  PrismaClient,
  buildSchema: buildHealthSchema,
  createContext: createHealthContext,
  seed: healthSeed,
});
