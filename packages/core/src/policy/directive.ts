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
