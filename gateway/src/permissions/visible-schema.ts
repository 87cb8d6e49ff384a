import { buildASTSchema, type GraphQLSchema, printSchema, parse } from "graphql";
import { filterSchema, pruneSchema } from "@graphql-tools/utils";
import { decide, granteeOf, policyIndexOf, type FieldPolicy, type Principal } from "@citygraph/core";

/**
 * The API schema as one principal may see it: fields it cannot read (in full or masked) are gone,
 * and so are types nothing visible reaches. Introspection runs against this schema, so a caller
 * never learns the name of a field it may not read.
 */
export function visibleSchema(schema: GraphQLSchema, policies: ReadonlyMap<string, FieldPolicy>, principal: Principal): GraphQLSchema {
  const grantee = granteeOf(principal);
  const index = policyIndexOf(policies.values());
  const readable = (typeName: string, fieldName: string) => {
    const policy = policies.get(`${typeName}.${fieldName}`);
    return policy !== undefined && decide(grantee, policy, index).access !== "denied";
  };
  const filtered = filterSchema({
    schema,
    // filterSchema asks about root fields separately: without this, every query and mutation name showed.
    rootFieldFilter: (operation, fieldName) => readable(operation, fieldName),
    objectFieldFilter: readable,
    interfaceFieldFilter: () => true,
  });
  // Round-trip through SDL: filterSchema keeps stale references that pruning alone can leave behind.
  return pruneSchema(buildASTSchema(parse(printSchema(filtered))));
}
