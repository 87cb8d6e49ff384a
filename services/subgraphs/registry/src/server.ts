import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildRegistrySchema } from "./schema.ts";
import { createRegistryContext } from "./context.ts";
import { registrySeed } from "./seed.ts";

/** The bureau's registry: persons, districts, communities. */
export const registrySubgraph = definePrismaSubgraph({
  name: "registry",
  PrismaClient,
  buildSchema: buildRegistrySchema,
  createContext: createRegistryContext,
  seed: registrySeed,
});
