import type { Logger } from "@citygraph/core";
import type { QuotaStore } from "./quota-store.ts";

/** The quota store (Redis or PostgreSQL) failed: third-party requests cannot be counted. */
export class QuotaStoreUnavailableError extends Error {
  override name = "QuotaStoreUnavailableError";
  /** Seconds a client should wait before trying again. */
  readonly retryAfterSeconds = 5;
}

/**
 * Wraps a quota store so that its failures are one named error, and are logged once when the store
 * goes down and once when it answers again, not on every request while it is down.
 */
export function reportingUnavailability(store: QuotaStore, log: Logger): QuotaStore {
  let down = false;
  const guard = async <T>(operation: () => Promise<T>): Promise<T> => {
    let result: T;
    try {
      result = await operation();
    } catch (error) {
      if (!down) log.error("quota store unavailable: refusing third-party requests until it answers", { error: String(error) });
      down = true;
      throw new QuotaStoreUnavailableError("quota store unavailable", { cause: error });
    }
    if (down) log.info("quota store available again");
    down = false;
    return result;
  };
  return {
    take: (window, amount, limit) => guard(() => store.take(window, amount, limit)),
    read: (window) => guard(() => store.read(window)),
    close: () => store.close(),
  };
}
