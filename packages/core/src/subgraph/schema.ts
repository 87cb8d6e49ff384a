import { Kind, parse, visit, type DocumentNode, type GraphQLSchema } from "graphql";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { printSchemaWithDirectives } from "@graphql-tools/utils";
import { buildSchema, createResolversMap, type BuildSchemaOptions } from "type-graphql";
import { CLASSIFICATION_SDL } from "../policy/directive.ts";

/**
 * The Federation 2 directives subgraphs may use, including the standard authorization directives
 * (`@authenticated`, `@requiresScopes`, `@policy`) that citygraph enforces itself, and the
 * classification directive kept through composition.
 */
const FEDERATION_LINK = `extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@extends", "@composeDirective", "@authenticated", "@requiresScopes", "@policy"])
${CLASSIFICATION_SDL}`;

/** Resolves an entity from its representation (`{ __typename, ...key }`). */
export type ReferenceResolver<TContext> = (reference: Record<string, unknown>, context: TContext) => unknown;

/** Options of {@link buildFederatedSchema}. */
export interface FederatedSchemaOptions<TContext> {
  resolvers: BuildSchemaOptions["resolvers"];
  /** Types no resolver returns directly (entity stubs owned elsewhere). */
  orphanedTypes?: BuildSchemaOptions["orphanedTypes"];
  /** `__resolveReference` per entity type name. */
  references?: Record<string, ReferenceResolver<TContext>>;
}

/**
 * Builds a Federation 2 subgraph schema from type-graphql classes: type-graphql builds and prints
 * the schema with its directives, then @apollo/subgraph adds `_service` and `_entities`.
 */
export async function buildFederatedSchema<TContext>(options: FederatedSchemaOptions<TContext>): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes,
    skipCheck: true,
    validate: false,
  });
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, resolveReference] of Object.entries(options.references ?? {})) {
    resolvers[typeName] = {
      ...resolvers[typeName],
      __resolveReference: (reference: Record<string, unknown>, context: TContext) =>
        resolveReference(reference, context),
    };
  }
  const typeDefs = nullableAbovePublic(parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`));
  return buildSubgraphSchema({ typeDefs, resolvers: resolvers as never });
}

/**
 * Makes every field classified above PUBLIC nullable: a caller without the grant gets `null` and
 * a FORBIDDEN error for that field, instead of the denial nulling its parent (or the whole page).
 */
function nullableAbovePublic(document: DocumentNode): DocumentNode {
  return visit(document, {
    FieldDefinition(node) {
      const classified = node.directives?.find((d) => d.name.value === "classified");
      const level = classified?.arguments?.find((a) => a.name.value === "level")?.value;
      if (!level || level.kind !== Kind.STRING || level.value === "PUBLIC") return undefined;
      return node.type.kind === Kind.NON_NULL_TYPE ? { ...node, type: node.type.type } : undefined;
    },
  });
}
