/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units, as `Array.prototype.sort` does),
 * no whitespace, `undefined` members left out. The same value always gives the same string, so the
 * ledger's hashes can be recomputed from a stored body.
 *
 * Only JSON's own values are accepted: a function, symbol, bigint or non-finite number is a bug in
 * the caller, not something to serialise silently (JSON.stringify would turn NaN into null).
 */
export function canonicalJson(value: unknown): string {
  return write(value, new Set());
}

function write(value: unknown, seen: Set<object>): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string":
    case "boolean":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError("canonicalJson: numbers must be finite");
      return JSON.stringify(value);
    case "object":
      break;
    default:
      throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
  }
  const object = value as object;
  if (seen.has(object)) throw new TypeError("canonicalJson: the value is circular");
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      // JSON.stringify writes `undefined` array members as null; so do we.
      return `[${object.map((item) => (item === undefined ? "null" : write(item, seen))).join(",")}]`;
    }
    if (object instanceof Date) return JSON.stringify(object.toISOString());
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, seen)}`);
    }
    return `{${members.join(",")}}`;
  } finally {
    seen.delete(object);
  }
}

/**
 * Whether `text` is the canonical JSON of `parsed`, the value it parses to. The verifier asks this
 * of every stored body; rebuilding each body with {@link canonicalJson} was a fifth of its time.
 * JSON.stringify keeps the parsed key order and writes strings and numbers as canonicalJson does,
 * so when every object's keys are already in sorted order the two agree exactly. Otherwise (also
 * for integer-like keys, which JavaScript orders numerically) the full rebuild decides.
 */
export function isCanonicalJsonOf(text: string, parsed: unknown): boolean {
  if (keysSorted(parsed) && JSON.stringify(parsed) === text) return true;
  return canonicalJson(parsed) === text;
}

function keysSorted(value: unknown): boolean {
  if (value === null || typeof value !== "object") return true;
  if (Array.isArray(value)) return value.every(keysSorted);
  let previous: string | undefined;
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (previous !== undefined && !(previous < key)) return false;
    previous = key;
    if (!keysSorted((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}
