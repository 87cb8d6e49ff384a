import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildTransportSchema } from "./schema.ts";
import { createTransportContext } from "./context.ts";
import { transportSeed } from "./seed.ts";

/** The traffic police and transport bureau: checkpoints, their crossings, incoming-traveller registrations. */
export const transportSubgraph = definePrismaSubgraph({
  name: "transport",
  PrismaClient,
  buildSchema: buildTransportSchema,
  createContext: createTransportContext,
  seed: transportSeed,
});
