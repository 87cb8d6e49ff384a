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
  /**
   * The arguments the document passes to each field coordinate (a variable counts, whatever its
   * value), so arguments that compare against a field are checked like that field.
   */
  arguments: Map<string, Set<string>>;
}

/**
 * Every field coordinate a document can reach — through aliases, named and inline fragments,
 * abstract types (a field selected on an interface or union counts for every possible type), and
 * every operation in the document, not only the one named — so nothing slips past the check.
 */
export function reachableCoordinates(schema: GraphQLSchema, document: DocumentNode): Reach {
  const typeInfo = new TypeInfo(schema);
  const reach: Reach = { coordinates: new Set(), introspection: false, dataFields: 0, introspectionRoots: 0, arguments: new Map() };
  let depth = 0;
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name].filter((n): n is string => Boolean(n)));
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
          // Fields of introspection types (`__Type.fields` …) appear in fragments of introspection
          // queries (GraphiQL's has several): they are introspection, not data.
          if (!parent || parent.name.startsWith("__")) return undefined;
          // A root field counts wherever it is selected: in the operation or in a fragment on a root type.
          if (roots.has(parent.name)) reach.dataFields++;
          const owners = isAbstractType(parent) ? schema.getPossibleTypes(parent) : [parent];
          for (const type of owners) {
            const coordinate = `${type.name}.${name}`;
            reach.coordinates.add(coordinate);
            for (const argument of node.arguments ?? []) {
              let used = reach.arguments.get(coordinate);
              if (!used) reach.arguments.set(coordinate, (used = new Set()));
              used.add(argument.name.value);
            }
          }
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
