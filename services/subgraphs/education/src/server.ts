import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildEducationSchema } from "./schema.ts";
import { createEducationContext } from "./context.ts";
import { educationSeed } from "./seed.ts";

/** The education bureau: schools, pupils' enrolments, school reopening and daily health checks. */
export const educationSubgraph = definePrismaSubgraph({
  name: "education",
  PrismaClient,
  buildSchema: buildEducationSchema,
  createContext: createEducationContext,
  seed: educationSeed,
});
