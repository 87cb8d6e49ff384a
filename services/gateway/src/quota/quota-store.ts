/** A counter of one agreement's use in one window. */
export interface QuotaWindow {
  agreementId: string;
  kind: "requests" | "records";
  /** Start of the window. */
  start: Date;
  /** Length of the window, milliseconds. */
  lengthMs: number;
}

/** What {@link QuotaStore.take} did. */
export type QuotaTake =
  /** The amount fitted and is now counted; `used` is the window's new total. */
  | { kind: "taken"; used: number }
  /** The amount did not fit: nothing was counted; `used` is the window's unchanged total. */
  | { kind: "refused"; used: number };

/**
 * Where quota counters live: shared by every gateway instance (Redis when configured, PostgreSQL
 * otherwise), never in one process's memory.
 *
 * There is no unconditional increment: every use goes through {@link QuotaStore.take}, one atomic
 * check-and-add in the store itself, so parallel requests at any number of gateway instances can
 * never together count past the limit (a read followed by an add could).
 */
export interface QuotaStore {
  /**
   * Atomically adds `amount` to the window's counter if the total stays within `limit`; otherwise
   * changes nothing. `amount` and `limit` are non-negative integers.
   */
  take(window: QuotaWindow, amount: number, limit: number): Promise<QuotaTake>;
  /** The window's counter (0 when nothing was taken yet); for checks and usage reports. */
  read(window: QuotaWindow): Promise<number>;
  close(): Promise<void>;
}

/** The window containing `now`: minutes for requests; days (Beijing time) for records. */
export function windowOf(agreementId: string, kind: QuotaWindow["kind"], now: number): QuotaWindow {
  if (kind === "requests") {
    const lengthMs = 60_000;
    return { agreementId, kind, lengthMs, start: new Date(Math.floor(now / lengthMs) * lengthMs) };
  }
  const lengthMs = 86_400_000;
  const beijing = 8 * 3_600_000;
  return { agreementId, kind, lengthMs, start: new Date(Math.floor((now + beijing) / lengthMs) * lengthMs - beijing) };
}

/** Whole seconds from `now` until the window ends (at least 1), for `Retry-After`. */
export function secondsUntilEnd(window: QuotaWindow, now: number): number {
  return Math.max(1, Math.ceil((window.start.getTime() + window.lengthMs - now) / 1000));
}

/** When a window's counter may be forgotten: one window past its end. */
export function expiryOf(window: QuotaWindow): Date {
  return new Date(window.start.getTime() + 2 * window.lengthMs);
}

/** Refuses amounts and limits a counter cannot hold, before they reach a store. */
export function assertQuotaAmounts(amount: number, limit: number): void {
  if (!Number.isSafeInteger(amount) || amount < 0) throw new RangeError(`quota amount must be a non-negative integer, got ${amount}`);
  if (!Number.isSafeInteger(limit) || limit < 0) throw new RangeError(`quota limit must be a non-negative integer, got ${limit}`);
}
