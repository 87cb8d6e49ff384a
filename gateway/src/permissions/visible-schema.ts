import { buildASTSchema, type GraphQLSchema, printSchema, parse } from "graphql";
import { filterSchema, pruneSchema } from "@graphql-tools/utils";
import { decide, granteeOf, type FieldPolicy, type Principal } from "@citygraph/core";

/**
 * The API schema as one principal may see it: fields it cannot read (in full or masked) are gone,
 * and so are types nothing visible reaches. Introspection runs against this schema, so a caller
 * never learns the name of a field it may not read.
 */
export function visibleSchema(schema: GraphQLSchema, policies: ReadonlyMap<string, FieldPolicy>, principal: Principal): GraphQLSchema {
  const grantee = granteeOf(principal);
  const filtered = filterSchema({
    schema,
    objectFieldFilter: (typeName, fieldName) => {
      const policy = policies.get(`${typeName}.${fieldName}`);
      return policy !== undefined && decide(grantee, policy).access !== "denied";
    },
    interfaceFieldFilter: () => true,
  });
  // Round-trip through SDL: filterSchema keeps stale references that pruning alone can leave behind.
  return pruneSchema(buildASTSchema(parse(printSchema(filtered))));
}
