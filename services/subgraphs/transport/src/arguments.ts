import { assertDateRange, badUserInput, decodeCursor, findDistrict } from "@citygraph/core";

/**
 * Argument rules shared by the transport subgraph's lists. Every violation is a BAD_USER_INPUT
 * naming the argument; messages never echo the value (a plate identifies a vehicle's owner).
 */

/** Longest time window a crossings list accepts: the retention the bureau shares, one month. */
export const MAX_CROSSING_WINDOW_DAYS = 31;

/** Longest window of a city-wide crossings list (no checkpoint, district or plate). */
export const MAX_CITY_WIDE_WINDOW_HOURS = 24;

const PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼";

/**
 * GA 36-2018 plates as the bureau stores them, without the separator dot: province, issuing
 * letter (no I or O), then five characters (ordinary plates) or six (new-energy: D/F first for
 * small vehicles, last for large ones).
 */
const PLATE = new RegExp(
  `^[${PROVINCES}][A-HJ-NP-Z](?:[A-HJ-NP-Z0-9]{5}|[DF][A-HJ-NP-Z0-9]\\d{4}|\\d{5}[DF])$`,
);

/** Throws BAD_USER_INPUT unless `value` is a plate in the stored format, e.g. 豫A12345 or 豫AD12345. */
export function assertPlate(argumentName: string, value: string): void {
  if (!PLATE.test(value)) {
    throw badUserInput(
      argumentName,
      "must be a plate without separator: province, letter, then 5 characters (e.g. 豫A12345) or 6 for new-energy vehicles (e.g. 豫AD12345)",
    );
  }
}

/** Throws BAD_USER_INPUT unless `value` looks like a checkpoint code: a district code and a 3-digit serial. */
export function assertCheckpointCode(argumentName: string, value: string): void {
  if (!/^\d{9}$/.test(value))
    throw badUserInput(argumentName, "must be a 9-digit checkpoint code (district code + serial)");
  if (!findDistrict(value.slice(0, 6)))
    throw badUserInput(argumentName, "is not a checkpoint code of Zhengzhou");
}

/** A validated keyset position of a newest-first list: the last row's time (or date) and id. */
export type TimeCursor = readonly [time: string, id: number];

/**
 * Decodes `after` of a newest-first list: an ISO instant as the list writes it and an id. A forged
 * cursor is a BAD_USER_INPUT rather than an SQL error.
 */
export function decodeTimeCursor(after: string | null | undefined): TimeCursor | undefined {
  return decodeCursor(after, ["instant", "id"]) as TimeCursor | undefined;
}

/** A validated closed-open time window, as ISO-8601 instants (plain values, so loaders can batch equal windows). */
export interface TimeWindow {
  from?: string;
  to?: string;
}

/**
 * Validates `from`/`to` of a list: real instants PostgreSQL can store, `from` before `to`, and at
 * most `maxDays` apart when both are given.
 */
export function validateWindow(
  from: Date | null | undefined,
  to: Date | null | undefined,
  maxDays?: number,
): TimeWindow {
  const range = { from: from ?? undefined, to: to ?? undefined };
  assertDateRange(range, maxDays);
  for (const [name, value] of Object.entries(range)) {
    const year = value?.getUTCFullYear();
    if (year !== undefined && !(year >= 1900 && year <= 9999))
      throw badUserInput(name, "must fall between the years 1900 and 9999");
  }
  return { from: range.from?.toISOString(), to: range.to?.toISOString() };
}
