import { definePrismaSubgraph } from "@citygraph/core";
import { PrismaClient } from "../prisma/generated/client.ts";
import { buildEnterpriseSchema } from "./schema.ts";
import { createEnterpriseContext } from "./context.ts";
import { enterpriseSeed } from "./seed.ts";

/** Market regulation and the industry bureau: enterprises, employment, work-resumption applications. */
export const enterpriseSubgraph = definePrismaSubgraph({
  name: "enterprise",
  PrismaClient,
  buildSchema: buildEnterpriseSchema,
  createContext: createEnterpriseContext,
  seed: enterpriseSeed,
});
