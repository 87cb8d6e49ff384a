import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, randomBytes, type KeyObject } from "node:crypto";
import { ArgsType, Directive, Field, Int, ObjectType } from "type-graphql";
import { StartupError, badUserInput } from "./errors.ts";
import { Classified } from "./policy/directive.ts";

/** Page size when a list field is queried without `first`. */
export const DEFAULT_PAGE_SIZE = 20;
/** The hard maximum of `first` on every list field. */
export const MAX_PAGE_SIZE = 100;

/** Cursor-pagination metadata, shared by every subgraph's connections. */
@Directive("@shareable")
@ObjectType({ description: "Where a page ends and whether more follow." })
export class PageInfo {
  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "Pass as `after` to fetch the next page." })
  endCursor!: string | null;

  @Classified("PUBLIC")
  @Field(() => Boolean)
  hasNextPage!: boolean;
}

/** Validated `first`: default {@link DEFAULT_PAGE_SIZE}, 1..{@link MAX_PAGE_SIZE}. */
export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badUserInput("first", `must be between 1 and ${MAX_PAGE_SIZE}`);
  }
  return first;
}

/** A keyset position: the sort-key values of the last row of the previous page. */
export type CursorKey = readonly (string | number)[];

/**
 * Cursors are sealed with AES-256-GCM (node:crypto): a client can neither read the sort key (it
 * may hold values the caller cannot read, such as a pupil's grade) nor forge or edit one. The key
 * comes from configuration (`CITYGRAPH_CURSOR_KEY`, see `configureCursorKey`); until configured, a
 * random key per process, which is enough for a single process (tests) and never shared.
 */
// A KeyObject, not bytes: handed a Buffer, createCipheriv imports the key again on every call.
let cursorKey: KeyObject = createSecretKey(randomBytes(32));
const CURSOR_VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Sets the secret cursors are sealed with. Every instance of every subgraph of a deployment must
 * use the same one, so a cursor from one instance pages on at another. The AES key is derived with
 * HKDF-SHA256, so any high-entropy string works as the secret.
 */
export function configureCursorKey(secret: string | Uint8Array): void {
  if (secret.length < 32) throw new StartupError("CITYGRAPH_CURSOR_KEY must hold at least 32 characters of random secret.");
  cursorKey = createSecretKey(Buffer.from(hkdfSync("sha256", secret, "", "citygraph cursor v1", 32)));
}

/** Encodes a keyset position as an opaque cursor: version, IV, ciphertext and tag, base64url. */
export function encodeCursor(key: CursorKey): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", cursorKey, iv);
  const sealed = Buffer.concat([cipher.update(JSON.stringify(key), "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.of(CURSOR_VERSION), iv, sealed, cipher.getAuthTag()]).toString("base64url");
}

/** The plaintext of a cursor this deployment sealed; throws on anything else (tampered, foreign). */
function openCursor(after: string): string {
  const raw = Buffer.from(after, "base64url");
  if (raw.length < 1 + IV_BYTES + TAG_BYTES + 2 || raw[0] !== CURSOR_VERSION) throw new Error("not a cursor");
  const decipher = createDecipheriv("aes-256-gcm", cursorKey, raw.subarray(1, 1 + IV_BYTES));
  decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
  return Buffer.concat([decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}

/**
 * The type of one part of a cursor key. The strict ones accept exactly what a list writes, so a
 * forged or foreign cursor fails here as BAD_USER_INPUT rather than in SQL as an internal error:
 * `instant` an ISO timestamp as `toISOString()` writes it, `date` a real `YYYY-MM-DD`, `int` a
 * safe integer, `id` a positive INTEGER-column id.
 */
export type CursorPart = "string" | "number" | "datetime" | "instant" | "date" | "int" | "id";

/** The largest value of a PostgreSQL INTEGER (int4) column. */
const INT4_MAX = 2_147_483_647;

/**
 * Decodes `after`, checking its seal and then its parts: a count (any string/number parts), or the
 * type of each part. A cursor from another deployment, another list or a hand-edited one is a
 * BAD_USER_INPUT (argument `after`), never a crash or a NaN in SQL.
 */
export function decodeCursor(after: string | null | undefined, shape: number | readonly CursorPart[]): CursorKey | undefined {
  if (after === null || after === undefined) return undefined;
  const parts: readonly CursorPart[] | undefined = typeof shape === "number" ? undefined : shape;
  const arity = typeof shape === "number" ? shape : shape.length;
  try {
    const key: unknown = JSON.parse(openCursor(after));
    if (
      Array.isArray(key) &&
      key.length === arity &&
      key.every((part, i) => {
        if (typeof part !== "string" && typeof part !== "number") return false;
        switch (parts?.[i]) {
          case undefined:
            return true;
          case "string":
            return typeof part === "string";
          case "number":
            return typeof part === "number" && Number.isFinite(part);
          case "datetime":
            return typeof part === "string" && !Number.isNaN(Date.parse(part));
          case "instant":
            return typeof part === "string" && !Number.isNaN(Date.parse(part)) && new Date(part).toISOString() === part;
          case "date":
            return (
              typeof part === "string" &&
              /^\d{4}-\d{2}-\d{2}$/.test(part) &&
              !Number.isNaN(Date.parse(part)) &&
              new Date(part).toISOString().slice(0, 10) === part
            );
          case "int":
            return Number.isSafeInteger(part);
          case "id":
            return Number.isInteger(part) && (part as number) >= 1 && (part as number) <= INT4_MAX;
        }
      })
    ) {
      return key;
    }
  } catch {
    // fall through: reported below without echoing the input
  }
  throw badUserInput("after", "is not a cursor returned by this list");
}

/** A page of rows plus its PageInfo. */
export interface Page<T> {
  nodes: T[];
  pageInfo: PageInfo;
}

/**
 * Turns `limit + 1` fetched rows into a page: the extra row only signals that more follow.
 * @param keyOf the sort key of a row, the same parts the repository's cursor decodes.
 */
export function toPage<T>(rows: T[], limit: number, keyOf: (row: T) => CursorKey): Page<T> {
  const hasNextPage = rows.length > limit;
  const nodes = hasNextPage ? rows.slice(0, limit) : rows;
  const last = nodes.at(-1);
  return { nodes, pageInfo: lazyPageInfo(hasNextPage, last === undefined ? undefined : () => keyOf(last)) };
}

/**
 * PageInfo whose cursor is sealed when it is first read, once. Most pages are never asked for
 * their cursor (a person's three latest crossings, nested in a list of persons), and sealing one
 * (AES-GCM with a fresh IV) was a tenth of the transport subgraph's CPU under the benchmark query.
 */
function lazyPageInfo(hasNextPage: boolean, lastKey: (() => CursorKey) | undefined): PageInfo {
  let endCursor: string | null | undefined = lastKey ? undefined : null;
  const pageInfo = { hasNextPage } as PageInfo;
  Object.defineProperty(pageInfo, "endCursor", {
    enumerable: true,
    get: () => (endCursor === undefined ? (endCursor = encodeCursor(lastKey!())) : endCursor),
  });
  return pageInfo;
}

/** `first`/`after` of every list; validated by {@link pageSize} and {@link decodeCursor}. */
@ArgsType()
export class PageArgs {
  @Field(() => Int, { nullable: true, description: `Page size, 1-${MAX_PAGE_SIZE}. Default ${DEFAULT_PAGE_SIZE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "`pageInfo.endCursor` of the previous page." })
  after?: string | null;
}
