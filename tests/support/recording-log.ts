import type { Logger } from "@citygraph/core";

/** A logger that keeps the messages of info, warn and error lines (children included), for tests that assert what is logged. */
export function recordingLog(): { log: Logger; messages: string[] } {
  const messages: string[] = [];
  const log: Logger = {
    debug: () => undefined,
    info: (message) => void messages.push(message),
    warn: (message) => void messages.push(message),
    error: (message) => void messages.push(message),
    child: () => log,
  };
  return { log, messages };
}
