// The composed supergraph and its API schema have one home, this package: `citygraph compose`
// writes them, the gateway plans from the supergraph, the governance catalog describes it, and
// codegen types operations against the API schema.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Kind, buildSchema, parse, type GraphQLSchema } from "graphql";
import { StartupError } from "@citygraph/core";

/** Where `citygraph compose` writes the supergraph, and where the gateway loads it from. */
export const SUPERGRAPH_PATH = fileURLToPath(new URL("../supergraph.graphql", import.meta.url));
/** The supergraph's API schema (what clients see); codegen reads it. */
export const API_SCHEMA_PATH = fileURLToPath(new URL("../schema.graphql", import.meta.url));

/** Reads the committed supergraph, or fails start-up saying how to make it. */
export function loadSupergraph(path: string = SUPERGRAPH_PATH): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new StartupError(`Cannot read the supergraph at ${path}. Run "citygraph compose" to write it.`);
  }
}

/** The routing URL of every subgraph, by subgraph name, as recorded in the supergraph. */
export function subgraphUrlsOf(supergraphSdl: string): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const definition of parse(supergraphSdl).definitions) {
    if (definition.kind !== Kind.ENUM_TYPE_DEFINITION || definition.name.value !== "join__Graph") continue;
    for (const value of definition.values ?? []) {
      const graph = value.directives?.find((d) => d.name.value === "join__graph");
      const arg = (name: string) => {
        const node = graph?.arguments?.find((a) => a.name.value === name)?.value;
        return node?.kind === Kind.STRING ? node.value : undefined;
      };
      const name = arg("name");
      const url = arg("url");
      if (name && url) urls[name] = url;
    }
  }
  return urls;
}

const apiSchemas = new Map<string, GraphQLSchema>();

/**
 * The API schema (what clients see) of the supergraph at `supergraphPath`, as a schema object,
 * built once per process: `schema.graphql` beside it, as `citygraph compose` writes them. A
 * supergraph given elsewhere (`CITYGRAPH_SUPERGRAPH`) must come with its API schema.
 */
export function loadApiSchema(supergraphPath: string = SUPERGRAPH_PATH): GraphQLSchema {
  const path = join(dirname(supergraphPath), "schema.graphql");
  let schema = apiSchemas.get(path);
  if (!schema) {
    try {
      schema = buildSchema(readFileSync(path, "utf8"));
    } catch {
      throw new StartupError(`Cannot read the API schema at ${path}, beside the supergraph: "citygraph compose" writes both; copy them together.`);
    }
    apiSchemas.set(path, schema);
  }
  return schema;
}
