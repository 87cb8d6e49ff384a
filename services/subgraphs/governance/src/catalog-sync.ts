import { existsSync, readFileSync } from "node:fs";
import { SUPERGRAPH_PATH } from "@citygraph/supergraph";
import { StartupError, type SubgraphOptions } from "@citygraph/core";
import type { PrismaClient } from "../prisma/generated/client.ts";
import { catalogFromSupergraph } from "./data-asset/data-asset.catalog.ts";
import { DataAssetRepository } from "./data-asset/data-asset.repository.ts";
import { operationSurfaceOf } from "./agreement/agreement.surface.ts";

/**
 * Brings the catalog in line with the supergraph the gateway serves, so `dataAssets` always
 * describes the surface clients actually see: each field with its owners, classification (level,
 * kind) and authorization requirements, from which `dataAssets` decides each caller's access.
 */
export async function syncCatalog(prisma: PrismaClient, options: SubgraphOptions): Promise<void> {
  const path = options.supergraphPath ?? SUPERGRAPH_PATH;
  if (!existsSync(path)) {
    throw new StartupError(`No supergraph at ${path}. Run "citygraph compose" to write it.`);
  }
  const records = catalogFromSupergraph(readFileSync(path, "utf8"));
  // Built now, so a supergraph without its API schema fails start-up, not the first registration.
  operationSurfaceOf(path);
  await new DataAssetRepository(prisma).replaceAll(records);
  options.log.info("data-asset catalog synchronised", { subgraph: "governance", fields: records.length });
}
