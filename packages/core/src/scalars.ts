import { GraphQLError, GraphQLScalarType, Kind } from "graphql";

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
