/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A structured logger. Callers pass identifiers and counts, never personal values. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/**
 * Creates a JSON-lines logger on stderr.
 * @param level lowest level written; default from `LOG_LEVEL`, else `info`.
 */
export function createLogger(bindings: Record<string, unknown> = {}, level?: LogLevel): Logger {
  const min = ORDER[level ?? parseLevel(process.env.LOG_LEVEL)];
  const write = (lvl: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[lvl] < min) return;
    process.stderr.write(
      JSON.stringify({ time: new Date().toISOString(), level: lvl, message, ...bindings, ...fields }) + "\n",
    );
  };
  return {
    debug: (m, f) => write("debug", m, f),
    info: (m, f) => write("info", m, f),
    warn: (m, f) => write("warn", m, f),
    error: (m, f) => write("error", m, f),
    child: (fields) => createLogger({ ...bindings, ...fields }, level),
  };
}

function parseLevel(value: string | undefined): LogLevel {
  return value === "debug" || value === "info" || value === "warn" || value === "error" ? value : "info";
}
