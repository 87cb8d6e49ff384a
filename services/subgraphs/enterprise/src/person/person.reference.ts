/** Resolves `Person` representations without a query: the registry owns persons, this subgraph only adds fields. */
export function resolvePersonReference(reference: Record<string, unknown>) {
  return { id: String(reference.id) };
}
