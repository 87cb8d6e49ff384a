import { Directive } from "type-graphql";
import type { Level, PersonalKind } from "./classification.ts";

/** The spec URL the classification directive is linked from (kept through composition). */
export const CLASSIFICATION_SPEC_URL = "https://specs.citygraph.dev/classification/v0.1";

/**
 * What every subgraph's SDL starts with, after the Federation link: the classification directive,
 * imported and kept in the supergraph with `@composeDirective` so the gateway can read it.
 */
export const CLASSIFICATION_SDL = `extend schema
  @link(url: "${CLASSIFICATION_SPEC_URL}", import: ["@classified", "@compares", "@orderedBy"])
  @composeDirective(name: "@classified")
  @composeDirective(name: "@compares")
  @composeDirective(name: "@orderedBy")

"""How protected a field is (PUBLIC, INTERNAL, PERSONAL, SENSITIVE) and, for personal data, its kind."""
directive @classified(level: String!, kind: String) on FIELD_DEFINITION

"""The argument filters or looks up by the value of \`field\` (\`Type.field\`): using it needs that field in full."""
directive @compares(argument: String!, field: String!) repeatable on FIELD_DEFINITION

"""The list is ordered by these fields (\`Type.field\`) for callers who may read them in full, else by id."""
directive @orderedBy(fields: [String!]!) on FIELD_DEFINITION
`;

/**
 * Declares a field's classification next to the field. PERSONAL and SENSITIVE fields name their
 * kind, which picks the masking rule; composition fails for a field without a classification.
 *
 * @example
 *   @Classified("SENSITIVE", "ID_NUMBER")
 *   @Field(() => String)
 *   idNumber!: string;
 */
export function Classified(level: "PUBLIC" | "INTERNAL"): PropertyDecorator & MethodDecorator;
export function Classified(level: "PERSONAL" | "SENSITIVE", kind: PersonalKind): PropertyDecorator & MethodDecorator;
export function Classified(level: Level, kind?: PersonalKind): PropertyDecorator & MethodDecorator {
  const args = kind ? `level: "${level}", kind: "${kind}"` : `level: "${level}"`;
  return Directive(`@classified(${args})`) as PropertyDecorator & MethodDecorator;
}

/**
 * A field that holds no personal values but only holders of a scope may see (agreement
 * administration, the access ledger): `@Classified("PUBLIC")` plus the standard
 * `@requiresScopes`, enforced by the gateway and again in the subgraph. Several scopes: any one
 * of them is enough (`@Restricted("audit:read", "governance:admin")`).
 */
export function Restricted(...scopes: [string, ...string[]]): PropertyDecorator & MethodDecorator {
  const anyOf = scopes.map((scope) => `["${scope}"]`).join(", ");
  // Applied in the order stacked decorators would be (bottom-up), so the SDL prints as before.
  const decorators = [Directive(`@requiresScopes(scopes: [${anyOf}])`), Classified("PUBLIC")] as ((
    target: object,
    key: string | symbol,
    descriptor?: PropertyDescriptor,
  ) => void)[];
  return ((target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    for (const decorate of decorators) decorate(target, key, descriptor);
  }) as PropertyDecorator & MethodDecorator;
}

/**
 * Declares that an argument filters or looks up by another field's value, next to the argument's
 * field: using the argument needs that field in full (an agreement's field list included), at
 * the gateway before planning and again in the subgraph. A lookup by a personal value
 * (`plate:`, `idNumber:`) is itself personal.
 *
 * @example
 *   @Compares("grade", "Enrolment.grade")
 *   @FieldResolver(() => EnrolmentConnection)
 *   enrolments(@Arg("grade", () => Int, { nullable: true }) grade: number | undefined) { … }
 */
export function Compares(argument: string, field: string): PropertyDecorator & MethodDecorator {
  return Directive(`@compares(argument: "${argument}", field: "${field}")`) as PropertyDecorator & MethodDecorator;
}

/**
 * Declares the fields a list is ordered by. Callers who may not read all of them in full get the
 * list in id order instead (the resolver asks with `@DeclaredOrder()`), so the order does not tell
 * them the values.
 */
export function OrderedBy(...fields: string[]): PropertyDecorator & MethodDecorator {
  return Directive(`@orderedBy(fields: [${fields.map((f) => `"${f}"`).join(", ")}])`) as PropertyDecorator & MethodDecorator;
}
