import type { ConsoleSchemaPathsQuery } from "./generated/graphql.ts";

type Schema = ConsoleSchemaPathsQuery["__schema"];
type TypeRef = NonNullable<Schema["types"][number]["fields"]>[number]["type"];

/** The named type under a field's list and non-null wrappers. */
function namedType(ref: TypeRef): { kind: string; name: string } {
  let current: { kind: string; name: string | null; ofType?: unknown } = ref;
  while ((current.kind === "LIST" || current.kind === "NON_NULL") && current.ofType) current = current.ofType as typeof current;
  return { kind: current.kind, name: current.name ?? "" };
}

const COMPOSITE = new Set(["OBJECT", "INTERFACE", "UNION"]);

/**
 * A query that reads `coordinate` (`Type.field`), for the explorer: the shortest path of fields from
 * `Query` to the type, through fields that need no argument, in the caller's own schema (so only
 * through fields they may read). Undefined when no such path exists (e.g. only a lookup by id
 * reaches the type): the catalog then offers no link rather than a query that cannot run.
 */
export function preparedQuery(schema: Schema, coordinate: string): string | undefined {
  const [typeName, fieldName] = coordinate.split(".");
  const types = new Map(schema.types.map((t) => [t.name ?? "", t.fields ?? []]));
  const root = schema.queryType.name ?? "Query";
  const target = types.get(typeName ?? "")?.find((f) => f.name === fieldName);
  // The field itself must need no argument either (a lookup by id has no query to prepare).
  if (!target || target.args.some((arg) => arg.type.kind === "NON_NULL")) return undefined;
  const leaf = COMPOSITE.has(namedType(target.type).kind) ? `${fieldName} { __typename }` : fieldName!;
  // Breadth first from Query; `via` remembers how each type was first reached.
  const via = new Map<string, { from: string; field: string }>();
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length && !seen.has(typeName!)) {
    const current = queue.shift()!;
    for (const field of types.get(current) ?? []) {
      const next = namedType(field.type);
      if (field.name.startsWith("__") || !COMPOSITE.has(next.kind) || seen.has(next.name)) continue;
      if (field.args.some((arg) => arg.type.kind === "NON_NULL")) continue;
      seen.add(next.name);
      via.set(next.name, { from: current, field: field.name });
      queue.push(next.name);
    }
  }
  if (!seen.has(typeName!)) return undefined;
  const path: string[] = [];
  for (let at = typeName!; at !== root; at = via.get(at)!.from) path.unshift(via.get(at)!.field);
  const body = path.reduceRight((inner, field) => `${field} { ${inner} }`, leaf);
  return `# ${coordinate}, as your token reads it\nquery ${typeName}_${fieldName} {\n  ${body}\n}\n`;
}
