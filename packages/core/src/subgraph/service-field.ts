import { BREAK, GraphQLError, visit } from "graphql";
import type { ApolloServerPlugin, BaseContext } from "@apollo/server";
import { ErrorCode } from "../errors.ts";

/**
 * Refuses `_service` (the subgraph's full SDL) to every caller over HTTP, aliases and fragments
 * included. Nothing at run time needs it: the gateway serves a statically composed supergraph, and
 * `citygraph compose` prints each subgraph's SDL in-process from its type-graphql classes
 * (apps/platform/src/compose.ts). Served, it would describe fields and types to anyone holding
 * a gateway token, whatever that token's grants. `_entities` stays: the gateway needs it.
 */
export function createServiceFieldRefusalPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document }) {
          let asked = false;
          // `_service` is reserved by Federation: no other type may have a field of that name, so
          // looking at field names (not aliases) anywhere in the document is exact.
          visit(document, {
            Field(node) {
              if (node.name.value !== "_service") return undefined;
              asked = true;
              return BREAK;
            },
          });
          if (asked) {
            throw new GraphQLError("The subgraph's SDL is not served: composition reads it in-process (citygraph compose).", {
              extensions: { code: ErrorCode.FORBIDDEN, http: { status: 403 } },
            });
          }
        },
      };
    },
  };
}
