import { Kind, parse, type ConstDirectiveNode, type ObjectTypeDefinitionNode, type TypeNode } from "graphql";

/** A field coordinate of the supergraph, as the catalog stores it. */
export interface DataAssetRecord {
  coordinate: string;
  typeName: string;
  fieldName: string;
  owner: string;
  owners: string[];
  returnType: string;
  description: string | null;
}

/**
 * Lists every field coordinate of a supergraph with the subgraphs that resolve it, read from the
 * `@join__type` / `@join__field` directives composition writes. A field without `@join__field`
 * belongs to every subgraph that defines its type; when that is several (an entity's key), the
 * owner is the subgraph that resolves most of the type's fields, i.e. the one that really holds it.
 */
export function catalogFromSupergraph(supergraphSdl: string): DataAssetRecord[] {
  const document = parse(supergraphSdl);
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = argument(value.directives?.find((d) => d.name.value === "join__graph"), "name");
        graphNames.set(value.name.value, name ?? value.name.value.toLowerCase());
      }
    }
  }
  const records: DataAssetRecord[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION) continue;
    if (isInternal(definition)) continue;
    const typeGraphs = (definition.directives ?? [])
      .filter((d) => d.name.value === "join__type")
      .map((d) => graphNames.get(argument(d, "graph") ?? "") ?? "");
    const fieldOwners = (definition.fields ?? []).map((field) => {
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field");
      const owners = joins.length
        ? joins.filter((d) => argument(d, "external") !== "true").map((d) => graphNames.get(argument(d, "graph") ?? "") ?? "")
        : typeGraphs;
      return { field, owners: [...new Set(owners)].filter(Boolean) };
    });
    const weight = new Map<string, number>();
    for (const { owners } of fieldOwners) for (const o of owners) weight.set(o, (weight.get(o) ?? 0) + 1);
    for (const { field, owners } of fieldOwners) {
      const owner = [...owners].sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0) || a.localeCompare(b))[0];
      records.push({
        coordinate: `${definition.name.value}.${field.name.value}`,
        typeName: definition.name.value,
        fieldName: field.name.value,
        owner: owner ?? "gateway",
        owners: owners.sort(),
        returnType: printType(field.type),
        description: field.description?.value ?? null,
      });
    }
  }
  return records.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

function isInternal(definition: ObjectTypeDefinitionNode): boolean {
  return definition.name.value.startsWith("join__") || definition.name.value.startsWith("link__");
}

function argument(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = directive?.arguments?.find((a) => a.name.value === name)?.value;
  if (!value) return undefined;
  if (value.kind === Kind.STRING || value.kind === Kind.ENUM) return value.value;
  if (value.kind === Kind.BOOLEAN) return String(value.value);
  return undefined;
}

function printType(type: TypeNode): string {
  switch (type.kind) {
    case Kind.NAMED_TYPE:
      return type.name.value;
    case Kind.LIST_TYPE:
      return `[${printType(type.type)}]`;
    case Kind.NON_NULL_TYPE:
      return `${printType(type.type)}!`;
  }
}
