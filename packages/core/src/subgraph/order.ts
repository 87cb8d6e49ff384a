import { createParameterDecorator } from "type-graphql";
import type { RequestContext } from "../context.ts";

/** Per request: the list fields (`Type.field`) the permission layer let order as declared. */
const declared = new WeakMap<object, Set<string>>();

/** Records that this request may order `coordinate` as its `@orderedBy` says (the permission layer calls it). */
export function allowDeclaredOrder(context: object, coordinate: string): void {
  let set = declared.get(context);
  if (!set) declared.set(context, (set = new Set()));
  set.add(coordinate);
}

/**
 * Whether the list being resolved may use its declared order (`@OrderedBy`), else id order. The
 * subgraph's permission layer decides it from the caller's grants before the resolver runs; where
 * it did not (permissions off, an undeclared field), the answer is no: fail closed to id order.
 *
 * @example
 *   enrolments(@DeclaredOrder() declaredOrder: boolean, …)
 */
export function DeclaredOrder(): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator<RequestContext>(
    ({ context, info }) => declared.get(context)?.has(`${info.parentType.name}.${info.fieldName}`) ?? false,
  );
}
