import { decodeCursor, type CursorKey } from "@citygraph/core";

/**
 * Decodes the `after` of a newest-first list keyed `[time, id]`: `kind` says whether the time is
 * an instant (visits) or a calendar day (declarations).
 */
export function decodeTimeCursor(after: string | null | undefined, kind: "instant" | "day"): CursorKey | undefined {
  return decodeCursor(after, [kind === "instant" ? "instant" : "date", "id"]);
}

/** Decodes the `after` of a list keyed by a positive integer id. */
export function decodeIdCursor(after: string | null | undefined): CursorKey | undefined {
  return decodeCursor(after, ["id"]);
}

/** `YYYY-MM-DD` of a calendar date (a Date at UTC midnight, as DATE columns and the Date scalar carry them). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
