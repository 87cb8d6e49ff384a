import { decodeCursor, type CursorKey } from "@citygraph/core";
import type { ApplicationRow } from "./resumption.repository.ts";

/** The sort key of an application in every list: newest first, id breaking ties. */
export function applicationCursorKey(row: ApplicationRow): CursorKey {
  return [row.submittedAt.toISOString(), row.id];
}

/** Decodes an application list's `after`: an instant and an integer id, as the list writes them. */
export function decodeApplicationCursor(after: string | null | undefined): CursorKey | undefined {
  return decodeCursor(after, ["instant", "id"]);
}
