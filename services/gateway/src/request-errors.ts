import { GraphQLError, Kind, getVariableValues, isScalarType, type GraphQLScalarType, type GraphQLSchema, type ValueNode } from "graphql";
import { GraphQLDate, GraphQLDateTime } from "@citygraph/core";
import type { ApolloServerPlugin } from "@apollo/server";
import { ErrorCode, clientError } from "@citygraph/core";
import type { GatewayContext } from "./context.ts";

/**
 * The scalars the subgraphs parse with (graphql-scalars', years 0001–9999). The gateway's schema comes from the
 * supergraph, where they are bare custom scalars that accept anything: a malformed date then
 * reached a subgraph, which refused it, and the client saw a masked internal error.
 */
const CHECKED_SCALARS: Record<string, { reference: GraphQLScalarType; expected: string }> = {
  Date: { reference: GraphQLDate, expected: "Date must be a calendar day, YYYY-MM-DD (e.g. 2026-02-28), from the year 0001 to 9999." },
  DateTime: {
    reference: GraphQLDateTime,
    expected: "DateTime must be an ISO 8601 date and time with a time zone (e.g. 2026-02-28T09:30:00+08:00 or …Z), from the year 0001 to 9999.",
  },
};

/**
 * Client mistakes that @apollo/gateway would otherwise throw as plain errors while executing (and
 * so reach the client as INTERNAL_SERVER_ERROR 500), answered as request errors before planning:
 * an `operationName` the document lacks or several operations and none named
 * (OPERATION_RESOLUTION_FAILURE), a subscription (OPERATION_NOT_SUPPORTED), and variables that do not
 * coerce, malformed `Date`/`DateTime` included (BAD_USER_INPUT). Literal dates are checked by
 * validation (GRAPHQL_VALIDATION_FAILED), because the schema's scalars parse like the subgraphs'.
 * Register it before the permission plugin, so that those mistakes are named before permissions.
 */
export function createRequestErrorsPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async serverWillStart() {
      return {
        schemaDidLoadOrUpdate({ apiSchema }) {
          checkScalarsLikeSubgraphs(apiSchema);
        },
      };
    },
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          if (!rc.operation) {
            const names = rc.document.definitions.filter((d) => d.kind === "OperationDefinition").length;
            const message = rc.request.operationName
              ? `The document has no operation named "${rc.request.operationName.slice(0, 100)}".`
              : names > 1
                ? "The document has several operations: say which to run with operationName."
                : "The document has no operation to run.";
            throw clientError(ErrorCode.OPERATION_RESOLUTION_FAILURE, message);
          }
          if (rc.operation.operation === "subscription") {
            throw clientError(ErrorCode.OPERATION_NOT_SUPPORTED, "Subscriptions are not served: send a query or a mutation.");
          }
          const coerced = getVariableValues(rc.schema, rc.operation.variableDefinitions ?? [], rc.request.variables ?? {});
          if (coerced.errors?.length) {
            // graphql-js's messages quote the value, which may be personal (an ID number, a birth
            // date): say which variable and what was expected, never what was sent.
            const error = coerced.errors[0]!;
            const variable = /^Variable "\$([A-Za-z_][A-Za-z0-9_]*)"/.exec(error.message)?.[1] ?? "?";
            const reason = error.originalError?.message ?? /; (Expected [^.]*\.)/.exec(error.message)?.[1] ?? "it does not match its type.";
            throw clientError(ErrorCode.BAD_USER_INPUT, `Variable "$${variable}" is invalid: ${reason}`, {
              status: 400,
              extensions: { argumentName: variable },
            });
          }
        },
      };
    },
  };
}

/** Makes the schema's Date/DateTime reject what the subgraphs' scalars reject, keeping values as sent. */
function checkScalarsLikeSubgraphs(schema: GraphQLSchema): void {
  for (const [name, { reference, expected }] of Object.entries(CHECKED_SCALARS)) {
    const type = schema.getType(name);
    if (!type || !isScalarType(type)) continue;
    const check = (parse: () => unknown) => {
      try {
        parse();
      } catch {
        throw new GraphQLError(expected);
      }
    };
    // The gateway forwards values to subgraphs as the client sent them: check, don't convert.
    Object.assign(type, {
      parseValue: (value: unknown) => {
        check(() => reference.parseValue(value));
        return value;
      },
      parseLiteral: (ast: ValueNode) => {
        check(() => reference.parseLiteral(ast, undefined));
        return ast.kind === Kind.STRING ? ast.value : undefined;
      },
    });
  }
}
