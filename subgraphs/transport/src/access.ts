import { GraphQLError } from "graphql";
import { ErrorCode, decide, granteeOf, type FieldPolicy, type RequestContext } from "@citygraph/core";

/**
 * Looking crossings up by plate confirms where a given vehicle went, whatever fields the caller
 * then reads: it needs what reading plates in full needs. A masked grant is not enough, since the
 * caller supplies the full plate.
 */
const PLATE_LOOKUP: FieldPolicy = {
  coordinate: "Query.crossings(plate:)",
  owner: "transport",
  level: "PERSONAL",
  kind: "PLATE",
};

/** Throws FORBIDDEN unless the caller may read plates in full. */
export function assertMayLookUpPlates(context: RequestContext): void {
  const decision = decide(granteeOf(context.principal), PLATE_LOOKUP);
  if (decision.access === "full") return;
  throw new GraphQLError(
    'Not authorised to look crossings up by plate: it needs the scope "transport:personal".',
    {
      extensions: { code: ErrorCode.FORBIDDEN, argumentName: "plate", needs: "transport:personal" },
    },
  );
}
