import { readFileSync } from "node:fs";
import type { GraphQLSchema } from "graphql";
import { readSupergraphFields, type FieldPolicy } from "@citygraph/core";
import { SUPERGRAPH_PATH, loadApiSchema } from "@citygraph/supergraph";

/** What an agreement's operations are checked against: the clients' schema and every field's policy. */
export interface OperationSurface {
  schema: GraphQLSchema;
  /** Field policies by coordinate, read from the supergraph exactly as the gateway reads them. */
  policies: ReadonlyMap<string, FieldPolicy>;
}

const surfaces = new Map<string, OperationSurface>();

/**
 * The surface of the supergraph at `supergraphPath` (default: the committed one — the same file
 * the catalog is synchronised from and the gateway plans from), built once per process.
 */
export function operationSurfaceOf(supergraphPath: string = SUPERGRAPH_PATH): OperationSurface {
  let surface = surfaces.get(supergraphPath);
  if (!surface) {
    const fields = readSupergraphFields(readFileSync(supergraphPath, "utf8"));
    surface = {
      schema: loadApiSchema(supergraphPath),
      policies: new Map(fields.flatMap((field) => (field.policy ? [[field.coordinate, field.policy] as const] : []))),
    };
    surfaces.set(supergraphPath, surface);
  }
  return surface;
}
