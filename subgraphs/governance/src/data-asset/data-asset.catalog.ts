import { readSupergraphFields } from "@citygraph/core";

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

/** The catalog's rows: every field of the supergraph's object types with its owners. */
export function catalogFromSupergraph(supergraphSdl: string): DataAssetRecord[] {
  return readSupergraphFields(supergraphSdl)
    .filter((f) => f.typeName !== "Query" || !f.fieldName.startsWith("_"))
    .map(({ coordinate, typeName, fieldName, owner, owners, returnType, description }) => ({
      coordinate,
      typeName,
      fieldName,
      owner,
      owners,
      returnType,
      description,
    }));
}
