import { GraphQLError, GraphQLScalarType, Kind } from "graphql";
import { GraphQLDate as ScalarsDate, GraphQLDateTime as ScalarsDateTime } from "graphql-scalars";

const PATTERN = /^\d{4}(-\d{2}-\d{2})?$/;

/**
 * A calendar date that may be reduced to its year (ISO 8601 `YYYY-MM-DD` or `YYYY`): birth dates
 * read under a masked grant keep only the year, and must still be a valid value of the field.
 */
export const PartialDate = new GraphQLScalarType<string, string>({
  name: "PartialDate",
  description: "An ISO 8601 calendar date, `YYYY-MM-DD`, or only its year `YYYY` when the date is masked.",
  specifiedByURL: "https://www.iso.org/iso-8601-date-and-time-format.html",
  serialize(value) {
    if (value instanceof Date) return value.toISOString().slice(0, 10);
    if (typeof value === "string" && PATTERN.test(value)) return value;
    throw new GraphQLError("PartialDate cannot represent this value");
  },
  parseValue(value) {
    if (typeof value === "string" && PATTERN.test(value)) return value;
    throw new GraphQLError("PartialDate must be YYYY-MM-DD or YYYY");
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING && PATTERN.test(ast.value)) return ast.value;
    throw new GraphQLError("PartialDate must be YYYY-MM-DD or YYYY");
  },
});

/**
 * graphql-scalars' `Date` and `DateTime`, refusing year 0000 as well (they accept it; PostgreSQL
 * has no year 0, so the value failed in the database and the client saw a 500). Same names and
 * descriptions, so the composed schema is unchanged; every subgraph and the gateway's request
 * check use these.
 */
export const GraphQLDate = withYearsFromOne(ScalarsDate, "Date must be a calendar day, YYYY-MM-DD, from 0001-01-01 to 9999-12-31.");
/** See {@link GraphQLDate}. */
export const GraphQLDateTime = withYearsFromOne(ScalarsDateTime, "DateTime must be an instant from the year 0001 to 9999.");

function withYearsFromOne<TExternal>(scalar: GraphQLScalarType<Date, TExternal>, message: string): GraphQLScalarType<Date, TExternal> {
  const config = scalar.toConfig();
  const inRange = (value: Date): Date => {
    if (!(value instanceof Date) || value.getUTCFullYear() < 1 || value.getUTCFullYear() > 9999) throw new GraphQLError(message);
    return value;
  };
  return new GraphQLScalarType<Date, TExternal>({
    ...config,
    parseValue: (value) => inRange(config.parseValue!(value)),
    parseLiteral: (ast, variables) => inRange(config.parseLiteral!(ast, variables)),
  });
}
