import type { FieldPolicy } from "./classification.ts";
import { decide, type Grantee, type PolicyIndex } from "./decide.ts";
import { scopeFor } from "./scopes.ts";

/** An argument the caller used but may not: it compares against a field the caller cannot read in full. */
export interface ArgumentDenial {
  /** `School.enrolments(grade:)`: the field and argument, never the compared field's name. */
  coordinate: string;
  needs: string;
  /** The argument's name. */
  argument: string;
}

/**
 * The arguments of `field` (among `used`) that compare against a field the grantee may not read in
 * full (`@compares`). Masked is not enough: filtering or looking up by a value confirms it. The
 * gateway calls this before planning and each subgraph again per field, with the same policies.
 */
export function argumentDenials(
  grantee: Grantee,
  field: FieldPolicy,
  used: Iterable<string>,
  policies: ReadonlyMap<string, FieldPolicy>,
  index?: PolicyIndex,
): ArgumentDenial[] {
  const denials: ArgumentDenial[] = [];
  for (const argument of used) {
    const compared = field.compares?.[argument];
    if (compared === undefined) continue;
    const target = policies.get(compared);
    const decision = target ? decide(grantee, target, index) : { access: "denied" as const, needs: "a classification" };
    if (decision.access === "full") continue;
    const needs = decision.access === "masked" && target ? scopeFor(target.owner, target.level) : (decision.needs ?? "");
    denials.push({ coordinate: `${field.coordinate}(${argument}:)`, needs, argument });
  }
  return denials;
}

/**
 * Whether a list may be ordered as declared (`@orderedBy`): only when the grantee reads every
 * ordering field in full; otherwise it is ordered by id, so the order tells nothing.
 */
export function declaredOrderAllowed(
  grantee: Grantee,
  field: FieldPolicy,
  policies: ReadonlyMap<string, FieldPolicy>,
  index?: PolicyIndex,
): boolean {
  return (field.orderedBy ?? []).every((coordinate) => {
    const target = policies.get(coordinate);
    return target !== undefined && decide(grantee, target, index).access === "full";
  });
}

/**
 * Why `@compares` / `@orderedBy` declarations are wrong: a target that is not a field of the same
 * subgraph (the subgraph could not decide about it, and would deny). Composition fails on any.
 */
export function comparisonProblems(policies: Iterable<FieldPolicy>): string[] {
  const all = [...policies];
  const byCoordinate = new Map(all.map((p) => [p.coordinate, p]));
  const problems: string[] = [];
  for (const policy of all) {
    const targets = [
      ...Object.entries(policy.compares ?? {}).map(([argument, field]) => [`@compares(argument: "${argument}")`, field] as const),
      ...(policy.orderedBy ?? []).map((field) => ["@orderedBy", field] as const),
    ];
    for (const [what, field] of targets) {
      const target = byCoordinate.get(field);
      if (!target) problems.push(`${policy.coordinate} ${what} names ${field}, which is not a field of the supergraph`);
      else if (target.owner !== policy.owner) {
        problems.push(`${policy.coordinate} ${what} names ${field}, owned by ${target.owner}: it must be a field of ${policy.owner}`);
      }
    }
  }
  return problems;
}
