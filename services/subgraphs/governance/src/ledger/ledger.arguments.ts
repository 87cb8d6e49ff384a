import { ArgsType, Field, ID } from "type-graphql";
import { GraphQLDateTime, assertDateRange, badUserInput, decodeCursor } from "@citygraph/core";
import { AccessOutcome } from "./ledger.type.ts";
import type { AccessLogFilter } from "./ledger.repository.ts";

/**
 * Argument rules of the auditor's queries. Every violation is a BAD_USER_INPUT naming the
 * argument; messages never echo the value.
 */

/** Most entries in one chunk of `accessLogExport`. */
export const MAX_EXPORT_CHUNK = 5_000;

/** Longest window `agreementUsage` reports on: a year. */
export const MAX_USAGE_WINDOW_DAYS = 366;
/** `agreementUsage`'s window when none is given: the last 30 days. */
export const DEFAULT_USAGE_WINDOW_DAYS = 30;

/** Longest window `accessOverview` reports on. */
export const MAX_OVERVIEW_WINDOW_DAYS = 92;
/** `accessOverview`'s window when none is given: the last day. */
export const DEFAULT_OVERVIEW_WINDOW_HOURS = 24;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PERSON_ID = /^[0-9a-f]{16}$/;
const COORDINATE = /^[A-Za-z_][A-Za-z0-9_]*\.[A-Za-z_][A-Za-z0-9_]*$/;
const PURPOSE = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const PRINCIPAL = /^(?:anonymous|(?:user|agreement):\S.{0,255})$/;

/** A UUID (agreement ids), lowercased as PostgreSQL prints it. */
export function assertUuid(argumentName: string, value: string): string {
  if (!UUID.test(value)) throw badUserInput(argumentName, "must be a UUID");
  return value.toLowerCase();
}

/** A registry person id: 16 lowercase hex digits. */
export function assertPersonId(argumentName: string, value: string): string {
  if (!PERSON_ID.test(value)) throw badUserInput(argumentName, "must be a person id (16 lowercase hex digits)");
  return value;
}

/** A field coordinate, `Type.field`. */
export function assertCoordinate(argumentName: string, value: string): string {
  if (!COORDINATE.test(value)) throw badUserInput(argumentName, "must be a field coordinate, Type.field");
  return value;
}

/** A purpose code, e.g. `epidemic-prevention`. */
export function assertPurpose(argumentName: string, value: string): string {
  if (value.length > 64 || !PURPOSE.test(value)) {
    throw badUserInput(argumentName, 'must be a purpose code: lowercase hyphenated words, e.g. "epidemic-prevention"');
  }
  return value;
}

/** A principal as the ledger records it: `user:<subject>`, `agreement:<api key id>` or `anonymous`. */
export function assertPrincipal(argumentName: string, value: string): string {
  if (!PRINCIPAL.test(value)) throw badUserInput(argumentName, 'must be "user:<subject>", "agreement:<api key id>" or "anonymous"');
  return value;
}

/** A validated closed-open window of entry times. */
export interface LedgerWindow {
  from?: Date;
  to?: Date;
}

/** `from`/`to`: real instants, `from` before `to`, at most `maxDays` apart when given. */
export function validateLedgerWindow(from: Date | null | undefined, to: Date | null | undefined, maxDays?: number): LedgerWindow {
  const range = { from: from ?? undefined, to: to ?? undefined };
  assertDateRange(range, maxDays);
  for (const [name, value] of Object.entries(range)) {
    const year = value?.getUTCFullYear();
    if (year !== undefined && !(year >= 1900 && year <= 9999)) throw badUserInput(name, "must fall between the years 1900 and 9999");
  }
  return range;
}

/** Decodes `after` of a newest-first ledger list: the last entry's seq. */
export function decodeSeqCursor(after: string | null | undefined): bigint | undefined {
  const key = decodeCursor(after, ["string"]);
  if (!key) return undefined;
  const seq = String(key[0]);
  if (!/^[1-9]\d{0,18}$/.test(seq)) throw badUserInput("after", "is not a cursor returned by this list");
  return BigInt(seq);
}

/** The filters of the access log, shared by `accessLog` and `accessLogExport`. */
@ArgsType()
export class AccessLogFilterArgs {
  @Field(() => GraphQLDateTime, { nullable: true, description: "Entries at or after this instant." })
  from?: Date | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: "Entries before this instant." })
  to?: Date | null;

  @Field(() => String, { nullable: true, description: '"user:<subject>", "agreement:<api key id>" or "anonymous".' })
  principal?: string | null;

  @Field(() => ID, { nullable: true, description: "Entries under this agreement." })
  agreement?: string | null;

  @Field(() => String, { nullable: true, description: "Entries that declared this purpose." })
  purpose?: string | null;

  @Field(() => AccessOutcome, { nullable: true })
  outcome?: AccessOutcome | null;

  @Field(() => String, { nullable: true, description: "Entries that reached this field, `Type.field`." })
  coordinate?: string | null;

  @Field(() => String, { nullable: true, description: "Entries that returned this person's data (person id)." })
  subject?: string | null;
}

const present = <T>(value: T | null | undefined): value is T => value !== null && value !== undefined;

/** The repository's filter of validated access-log arguments (BAD_USER_INPUT naming the first bad one). */
export function accessLogFilterOf(args: AccessLogFilterArgs): AccessLogFilter {
  return {
    ...validateLedgerWindow(args.from, args.to),
    principal: present(args.principal) ? assertPrincipal("principal", args.principal) : undefined,
    agreementId: present(args.agreement) ? assertUuid("agreement", args.agreement) : undefined,
    purpose: present(args.purpose) ? assertPurpose("purpose", args.purpose) : undefined,
    outcome: args.outcome ?? undefined,
    coordinate: present(args.coordinate) ? assertCoordinate("coordinate", args.coordinate) : undefined,
    subject: present(args.subject) ? assertPersonId("subject", args.subject) : undefined,
  };
}
