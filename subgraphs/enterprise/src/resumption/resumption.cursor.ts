import { badUserInput, decodeCursor, type CursorKey } from "@citygraph/core";
import type { ApplicationRow } from "./resumption.repository.ts";

/** The sort key of an application in every list: newest first, id breaking ties. */
export function applicationCursorKey(row: ApplicationRow): CursorKey {
  return [row.submittedAt.toISOString(), row.id];
}

/**
 * Decodes and checks an application list's `after`: an instant and an integer id. Anything else
 * (another list's cursor, a hand-edited one) is BAD_USER_INPUT before it reaches SQL.
 */
export function decodeApplicationCursor(after: string | null | undefined): CursorKey | undefined {
  const key = decodeCursor(after, 2);
  if (!key) return undefined;
  const [time, id] = key;
  const valid =
    typeof time === "string" &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(time) &&
    !Number.isNaN(new Date(time).getTime()) &&
    typeof id === "number" &&
    Number.isSafeInteger(id) &&
    id > 0 &&
    id <= 2_147_483_647;
  if (!valid) throw badUserInput("after", "is not a cursor returned by this list");
  return key;
}
