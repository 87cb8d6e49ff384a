import { Directive } from "type-graphql";
import type { Level, PersonalKind } from "./classification.ts";

/** The spec URL the classification directive is linked from (kept through composition). */
export const CLASSIFICATION_SPEC_URL = "https://specs.citygraph.dev/classification/v0.1";

/**
 * What every subgraph's SDL starts with, after the Federation link: the classification directive,
 * imported and kept in the supergraph with `@composeDirective` so the gateway can read it.
 */
export const CLASSIFICATION_SDL = `extend schema
  @link(url: "${CLASSIFICATION_SPEC_URL}", import: ["@classified"])
  @composeDirective(name: "@classified")

"""How protected a field is (PUBLIC, INTERNAL, PERSONAL, SENSITIVE) and, for personal data, its kind."""
directive @classified(level: String!, kind: String) on FIELD_DEFINITION
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
 * `@requiresScopes(scopes: [[scope]])`, enforced by the gateway and again in the subgraph.
 */
export function Restricted(scope: string): PropertyDecorator & MethodDecorator {
  // Applied in the order stacked decorators would be (bottom-up), so the SDL prints as before.
  const decorators = [Directive(`@requiresScopes(scopes: [["${scope}"]])`), Classified("PUBLIC")] as ((
    target: object,
    key: string | symbol,
    descriptor?: PropertyDescriptor,
  ) => void)[];
  return ((target: object, key: string | symbol, descriptor?: PropertyDescriptor) => {
    for (const decorate of decorators) decorate(target, key, descriptor);
  }) as PropertyDecorator & MethodDecorator;
}
