import {
  TypeInfo,
  isAbstractType,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
} from "graphql";

/** What an operation document can reach: field coordinates, and whether it introspects. */
export interface Reach {
  coordinates: Set<string>;
  introspection: boolean;
  /** Root fields other than introspection (and `__typename`). */
  dataFields: number;
  /** Introspection root fields (`__schema`, `__type`). */
  introspectionRoots: number;
}

/**
 * Every field coordinate a document can reach — through aliases, named and inline fragments,
 * abstract types (a field selected on an interface or union counts for every possible type), and
 * every operation in the document, not only the one named — so nothing slips past the check.
 */
export function reachableCoordinates(schema: GraphQLSchema, document: DocumentNode): Reach {
  const typeInfo = new TypeInfo(schema);
  const reach: Reach = { coordinates: new Set(), introspection: false, dataFields: 0, introspectionRoots: 0 };
  let depth = 0;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition: {
        enter: () => {
          depth = 0;
        },
      },
      Field: {
        enter(node) {
          depth++;
          const name = node.name.value;
          if (name === "__schema" || name === "__type") {
            reach.introspection = true;
            if (depth === 1) reach.introspectionRoots++;
            // Returning false skips this field's `leave`, so undo the `enter` here.
            depth--;
            return false;
          }
          if (name.startsWith("__")) return undefined;
          const parent = typeInfo.getParentType();
          if (!parent) return undefined;
          if (depth === 1) reach.dataFields++;
          const owners = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
          for (const type of owners) reach.coordinates.add(`${type.name}.${name}`);
          // Interfaces declare the field too; their coordinate carries no policy of its own.
          if (isAbstractType(parent) && "getFields" in parent) reach.coordinates.add(`${parent.name}.${name}`);
          return undefined;
        },
        leave() {
          depth--;
        },
      },
    }),
  );
  // A field on an interface is checked through its implementations.
  for (const coordinate of [...reach.coordinates]) {
    const typeName = coordinate.slice(0, coordinate.indexOf("."));
    const type = schema.getType(typeName);
    if (type && isAbstractType(type)) reach.coordinates.delete(coordinate);
  }
  return reach;
}
