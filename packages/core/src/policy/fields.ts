import {
  Kind,
  parse,
  type ConstDirectiveNode,
  type ConstValueNode,
  type DocumentNode,
  type FieldDefinitionNode,
  type GraphQLSchema,
  type TypeNode,
} from "graphql";
import { isLevel, isPersonalKind, type FieldPolicy } from "./classification.ts";

/** One field coordinate of a supergraph with its owners, type, description and policy. */
export interface SupergraphField {
  coordinate: string;
  typeName: string;
  fieldName: string;
  /** The subgraph that holds the field (see {@link readSupergraphFields}). */
  owner: string;
  /** Every subgraph that can resolve it (shared key fields, @shareable value types). */
  owners: string[];
  returnType: string;
  description: string | null;
  /** Undefined when the field carries no valid `@classified`: composition must then fail. */
  policy?: FieldPolicy;
  /** Why the classification is missing or invalid, when it is. */
  problem?: string;
}

/**
 * Reads every field of a supergraph's object types with the subgraphs that resolve it (from the
 * `@join__type` / `@join__field` directives composition writes) and its policy (from the composed
 * `@classified` and the Federation authorization directives). A field without `@join__field`
 * belongs to every subgraph that defines its type; when that is several (an entity's key), the owner
 * is the subgraph that resolves most of the type's fields, i.e. the one that really holds it.
 */
export function readSupergraphFields(supergraph: string | DocumentNode): SupergraphField[] {
  const document = typeof supergraph === "string" ? parse(supergraph) : supergraph;
  const graphNames = new Map<string, string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === "join__Graph") {
      for (const value of definition.values ?? []) {
        const name = stringArg(value.directives?.find((d) => d.name.value === "join__graph"), "name");
        graphNames.set(value.name.value, name ?? value.name.value.toLowerCase());
      }
    }
  }
  const fields: SupergraphField[] = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    const typeName = definition.name.value;
    if (typeName.startsWith("join__") || typeName.startsWith("link__")) continue;
    const typeGraphs = (definition.directives ?? [])
      .filter((d) => d.name.value === "join__type")
      .map((d) => graphNames.get(enumArg(d, "graph") ?? "") ?? "");
    const withOwners = (definition.fields ?? []).map((field) => {
      const joins = (field.directives ?? []).filter((d) => d.name.value === "join__field");
      const owners = joins.length
        ? joins.filter((d) => boolArg(d, "external") !== true).map((d) => graphNames.get(enumArg(d, "graph") ?? "") ?? "")
        : typeGraphs;
      return { field, owners: [...new Set(owners)].filter(Boolean).sort() };
    });
    const weight = new Map<string, number>();
    for (const { owners } of withOwners) for (const o of owners) weight.set(o, (weight.get(o) ?? 0) + 1);
    for (const { field, owners } of withOwners) {
      const owner =
        [...owners].sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0) || a.localeCompare(b))[0] ?? "gateway";
      const coordinate = `${typeName}.${field.name.value}`;
      const read = readPolicy(coordinate, owner, field);
      fields.push({
        coordinate,
        typeName,
        fieldName: field.name.value,
        owner,
        owners,
        returnType: printType(field.type),
        description: field.description?.value ?? null,
        ...read,
      });
    }
  }
  return fields.sort((a, b) => a.coordinate.localeCompare(b.coordinate));
}

/**
 * The policy of every field of one subgraph's schema (owner: that subgraph), from the `@classified`
 * and authorization directives on its AST. Subgraphs generate their shield rules from this.
 */
export function readSubgraphPolicies(schema: GraphQLSchema, owner: string): Map<string, FieldPolicy> {
  const policies = new Map<string, FieldPolicy>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith("__") || !("getFields" in type) || !type.astNode) continue;
    if (type.astNode.kind !== Kind.OBJECT_TYPE_DEFINITION && type.astNode.kind !== Kind.INTERFACE_TYPE_DEFINITION) continue;
    for (const field of Object.values(type.getFields())) {
      const node = field.astNode as FieldDefinitionNode | undefined | null;
      if (!node) continue;
      const { policy } = readPolicy(`${type.name}.${field.name}`, owner, node);
      if (policy) policies.set(policy.coordinate, policy);
    }
  }
  return policies;
}

function readPolicy(coordinate: string, owner: string, field: FieldDefinitionNode): Pick<SupergraphField, "policy" | "problem"> {
  const directives = field.directives ?? [];
  const classified = directives.find((d) => d.name.value === "classified");
  if (!classified) return { problem: "no @classified" };
  const level = stringArg(classified, "level") ?? "";
  const kind = stringArg(classified, "kind");
  if (!isLevel(level)) return { problem: `@classified level "${level}" is not PUBLIC, INTERNAL, PERSONAL or SENSITIVE` };
  if (kind !== undefined && !isPersonalKind(kind)) return { problem: `@classified kind "${kind}" is unknown` };
  if ((level === "PERSONAL" || level === "SENSITIVE") && !kind) return { problem: `${level} fields must name their kind` };
  const policy: FieldPolicy = { coordinate, owner, level, kind };
  if (directives.some((d) => d.name.value === "authenticated")) policy.authenticated = true;
  const scopes = directives.find((d) => d.name.value === "requiresScopes");
  if (scopes) policy.requiresScopes = nestedStrings(scopes, "scopes");
  const policyDirective = directives.find((d) => d.name.value === "policy");
  if (policyDirective) policy.policies = nestedStrings(policyDirective, "policies");
  const compares = directives.filter((d) => d.name.value === "compares");
  if (compares.length) {
    policy.compares = Object.fromEntries(compares.map((d) => [stringArg(d, "argument") ?? "", stringArg(d, "field") ?? ""]));
  }
  const orderedBy = directives.find((d) => d.name.value === "orderedBy");
  if (orderedBy) {
    const fields = argValue(orderedBy, "fields");
    policy.orderedBy = fields?.kind === Kind.LIST ? fields.values.flatMap((v) => (v.kind === Kind.STRING ? [v.value] : [])) : [];
  }
  return { policy };
}

function argValue(directive: ConstDirectiveNode | undefined, name: string): ConstValueNode | undefined {
  return directive?.arguments?.find((a) => a.name.value === name)?.value;
}

function stringArg(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = argValue(directive, name);
  return value?.kind === Kind.STRING ? value.value : undefined;
}

function enumArg(directive: ConstDirectiveNode | undefined, name: string): string | undefined {
  const value = argValue(directive, name);
  return value?.kind === Kind.ENUM || value?.kind === Kind.STRING ? value.value : undefined;
}

function boolArg(directive: ConstDirectiveNode | undefined, name: string): boolean | undefined {
  const value = argValue(directive, name);
  return value?.kind === Kind.BOOLEAN ? value.value : undefined;
}

function nestedStrings(directive: ConstDirectiveNode, name: string): string[][] {
  const value = argValue(directive, name);
  if (value?.kind !== Kind.LIST) return [];
  return value.values.map((inner) =>
    inner.kind === Kind.LIST
      ? inner.values.flatMap((v) => (v.kind === Kind.STRING || v.kind === Kind.ENUM ? [v.value] : []))
      : inner.kind === Kind.STRING
        ? [inner.value]
        : [],
  );
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
