import { badUserInput, decodeCursor, type CursorKey } from "@citygraph/core";

/** The largest id an INTEGER column holds: a larger one in a cursor would fail in SQL, not here. */
const MAX_ID = 2_147_483_647;

/**
 * Decodes the `after` of a newest-first list keyed `[time, id]`: `kind` says whether the time is
 * an instant (visits) or a calendar day (declarations). The kit checks the parts' JSON types; a
 * cursor of another list, or an impossible date, would still reach SQL and fail there as an
 * internal error, so the time must read back exactly as this list writes it.
 */
export function decodeTimeCursor(
  after: string | null | undefined,
  kind: "instant" | "day",
): CursorKey | undefined {
  const key = decodeCursor(after, ["string", "number"]);
  if (!key) return undefined;
  const [time, id] = key as [string, number];
  const parsed = new Date(time);
  const written = Number.isNaN(parsed.getTime())
    ? ""
    : kind === "instant"
      ? parsed.toISOString()
      : isoDate(parsed);
  if (written !== time || !isRowId(id)) throw notOurs();
  return key;
}

/** Decodes the `after` of a list keyed by a positive integer id. */
export function decodeIdCursor(after: string | null | undefined): CursorKey | undefined {
  const key = decodeCursor(after, ["number"]);
  if (key && !isRowId(key[0] as number)) throw notOurs();
  return key;
}

function isRowId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_ID;
}

function notOurs() {
  return badUserInput("after", "is not a cursor returned by this list");
}

/** `YYYY-MM-DD` of a calendar date (a Date at UTC midnight, as DATE columns and the Date scalar carry them). */
export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
