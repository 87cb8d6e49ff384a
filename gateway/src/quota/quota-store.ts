/** A counter of one agreement's use in one window. */
export interface QuotaWindow {
  agreementId: string;
  kind: "requests" | "records";
  /** Start of the window. */
  start: Date;
  /** Length of the window, milliseconds. */
  lengthMs: number;
}

/**
 * Where quota counters live: shared by every gateway instance (Redis when configured, PostgreSQL
 * otherwise), never in one process's memory.
 */
export interface QuotaStore {
  /** Adds `amount` to the window's counter and returns the new total. */
  add(window: QuotaWindow, amount: number): Promise<number>;
  /** The window's counter. */
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
