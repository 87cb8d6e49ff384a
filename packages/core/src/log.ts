import { pino, stdSerializers, stdTimeFunctions, destination, type Logger as PinoLogger } from "pino";
import { activeTraceId } from "./telemetry/tracing.ts";

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

/**
 * Keys whose values never reach a log line, wherever a caller put them by mistake: credentials and
 * the personal kinds of the data-asset catalog. Top level and one level down (pino's redaction
 * works by path; `*.x` is one level).
 */
const SECRET_KEYS = ["authorization", "cookie", "x-api-key", "apiKey", "token", "password", "secret"];
const PERSONAL_KEYS = ["idNumber", "phone", "address", "birthDate", "plate", "familyName", "personName"];
export const REDACTED_LOG_PATHS = [...SECRET_KEYS, ...PERSONAL_KEYS].flatMap((key) => {
  const path = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
  return [path, `*${path.startsWith("[") ? "" : "."}${path}`, `headers${path.startsWith("[") ? "" : "."}${path}`];
});

const roots = new Map<LogLevel, PinoLogger>();

function rootLogger(level: LogLevel): PinoLogger {
  let root = roots.get(level);
  if (!root) {
    root = pino(
      {
        level,
        messageKey: "message",
        timestamp: stdTimeFunctions.isoTime,
        base: { pid: process.pid },
        formatters: { level: (label) => ({ level: label }) },
        serializers: { error: stdSerializers.err, err: stdSerializers.err },
        redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" },
        // One trace id on every line written inside a traced request (request ids come from
        // `child({ requestId })` where the request begins).
        mixin: () => {
          const traceId = activeTraceId();
          return traceId ? { traceId } : {};
        },
      },
      // Synchronous: a line written just before the process exits (a start-up error) is not lost.
      destination({ dest: 2, sync: true }),
    );
    roots.set(level, root);
  }
  return root;
}

/**
 * Adapts pino (fields first) to our (message first) calls. Children are made from the root with
 * merged bindings, since pino would repeat a key bound twice (`service` of a process and of one of
 * its servers) instead of replacing it; a field named `message` is kept as `detail`.
 */
function wrap(root: PinoLogger, bindings: Record<string, unknown>): Logger {
  const logger = root.child(bindings);
  const write = (level: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (!fields) return logger[level](message);
    if ("message" in fields) {
      const { message: detail, ...rest } = fields;
      return logger[level]({ ...rest, detail }, message);
    }
    logger[level](fields, message);
  };
  return {
    debug: (message, fields) => write("debug", message, fields),
    info: (message, fields) => write("info", message, fields),
    warn: (message, fields) => write("warn", message, fields),
    error: (message, fields) => write("error", message, fields),
    child: (fields) => wrap(root, { ...bindings, ...fields }),
  };
}

let defaultLevel: LogLevel = "info";

/** Every level {@link parseLogLevel} accepts, least severe first. */
export const LOG_LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

/** A level by name; undefined for anything else. */
export function parseLogLevel(value: string | undefined): LogLevel | undefined {
  return LOG_LEVELS.find((level) => level === value);
}

/**
 * Sets the level of loggers created without one from now on (the app's configuration sets it from
 * `LOG_LEVEL` at start-up). Default `info`.
 */
export function setDefaultLogLevel(level: LogLevel): void {
  defaultLevel = level;
}

/**
 * Creates a JSON-lines logger on stderr (pino): `time`, `level`, `message`, the bindings, the
 * active trace id, and the fields of the call, with credentials and personal kinds redacted.
 * @param level lowest level written; default: {@link setDefaultLogLevel}'s, else `info`.
 */
export function createLogger(bindings: Record<string, unknown> = {}, level?: LogLevel): Logger {
  return wrap(rootLogger(level ?? defaultLevel), bindings);
}

/**
 * A log-friendly description of anything thrown or handed to a logger: an Error's message, a
 * string as is, anything else as JSON — never `"[object Object]"`.
 */
export function describe(value: unknown): string {
  if (value instanceof Error) return value.message;
  if (typeof value === "string") return value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

