import { Field, Float, ID, Int, ObjectType, registerEnumType } from "type-graphql";
import { GraphQLDateTime } from "@citygraph/core";
import { Classified, PageInfo } from "@citygraph/core";

/**
 * The auditor's view of the access ledger. Entries hold identifiers only (pseudonymous person ids,
 * principal subjects, coordinates), never a value that was read, so every field is PUBLIC; the
 * queries that reach them require `audit:read`.
 */

/** How a request ended. The values are the ledger's. */
export enum AccessOutcome {
  ALLOWED = "allowed",
  PARTIAL = "partial",
  DENIED = "denied",
  REFUSED = "refused",
  ERROR = "error",
}
registerEnumType(AccessOutcome, {
  name: "AccessOutcome",
  description: "How a request recorded in the access ledger ended.",
  valuesConfig: {
    ALLOWED: { description: "Everything asked for was returned." },
    PARTIAL: { description: "Some fields were denied (returned null); the rest was returned." },
    DENIED: { description: "Rejected by the permission check: nothing executed." },
    REFUSED: { description: "Refused before permissions were decided (quota, unknown operation, credentials); `refusal` says why." },
    ERROR: { description: "Failed while executing." },
  },
});

/** How a field was decided for the caller. */
export enum AccessDecision {
  FULL = "full",
  MASKED = "masked",
  UNDELIVERED = "undelivered",
  DENIED = "denied",
}
registerEnumType(AccessDecision, {
  name: "AccessDecision",
  description: "How a field was decided for the caller of a request.",
  valuesConfig: {
    UNDELIVERED: { description: "Allowed, but the subgraph holding it failed, so no value was returned." },
  },
});

/** What a principal's access rested on. */
export enum AccessBasis {
  AGREEMENT = "AGREEMENT",
  ORGANIZATION = "ORGANIZATION",
  USER = "USER",
  ANONYMOUS = "ANONYMOUS",
}
registerEnumType(AccessBasis, {
  name: "AccessBasis",
  description: "What a request's access rested on.",
  valuesConfig: {
    AGREEMENT: { description: "A third party's data-operation agreement (`agreementId`)." },
    ORGANIZATION: { description: "The grants of a government official of an organization (`organization`)." },
    USER: { description: "The grants of a signed-in person whose token names no organization." },
    ANONYMOUS: { description: "No credentials: open data only." },
  },
});

@ObjectType({ description: "Who made a request recorded in the access ledger." })
export class AccessPrincipal {
  @Classified("PUBLIC")
  @Field(() => String, { description: "`user`, `agreement` or `anonymous`." })
  kind!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The identity provider's subject, or an agreement's API key id; `anonymous` for anonymous callers." })
  subject!: string;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "The principal's organization." })
  org!: string | null;
}

@ObjectType({ description: "A field coordinate a request reached, and how it was decided." })
export class AccessLogField {
  @Classified("PUBLIC")
  @Field(() => String, { description: "`Type.field`." })
  coordinate!: string;

  @Classified("PUBLIC")
  @Field(() => AccessDecision)
  decision!: AccessDecision;
}

@ObjectType({ description: "The authority a request's access rested on." })
export class AccessAuthority {
  @Classified("PUBLIC")
  @Field(() => AccessBasis)
  basis!: AccessBasis;

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The agreement, when `basis` is AGREEMENT." })
  agreementId!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "The organization of the principal (the agreement holder, or the official's)." })
  organization!: string | null;
}

@ObjectType({ description: "One request as the tamper-evident access ledger recorded it." })
export class AccessLogEntry {
  @Classified("PUBLIC")
  @Field(() => ID, { description: "Position in the hash chain." })
  seq!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { description: "When the request arrived." })
  time!: Date;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The gateway's `x-request-id`, also on its log lines." })
  requestId!: string;

  @Classified("PUBLIC")
  @Field(() => AccessPrincipal)
  principal!: AccessPrincipal;

  @Classified("PUBLIC")
  @Field(() => AccessAuthority)
  authority!: AccessAuthority;

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The agreement a third party called under." })
  agreementId!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "The purpose the request declared." })
  purpose!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "SHA-256 (hex) of the operation document." })
  documentHash!: string | null;

  @Classified("PUBLIC")
  @Field(() => AccessOutcome)
  outcome!: AccessOutcome;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "The error code of a refusal or failure." })
  refusal!: string | null;

  @Classified("PUBLIC")
  @Field(() => [AccessLogField], { description: "Every field coordinate the operation reached, with its decision." })
  fields!: AccessLogField[];

  @Classified("PUBLIC")
  @Field(() => [String], { description: "Pseudonymous ids of the persons whose personal data was returned." })
  subjects!: string[];

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Records returned." })
  rowCount!: number;

  @Classified("PUBLIC")
  @Field(() => Float, { description: "Time the gateway spent on the request, milliseconds." })
  latencyMs!: number;

  @Classified("PUBLIC")
  @Field(() => String, { description: "sha256(prevHash + canonical body), hex." })
  hash!: string;

  @Classified("PUBLIC")
  @Field(() => String, { description: "The previous entry's hash (64 zeros for the first)." })
  prevHash!: string;
}

@ObjectType()
export class AccessLogConnection {
  @Classified("PUBLIC")
  @Field(() => [AccessLogEntry])
  nodes!: AccessLogEntry[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: "One request that returned a person's personal data: who, when, why, on what authority, which fields." })
export class SubjectAccess {
  @Classified("PUBLIC")
  @Field(() => ID, { description: "Position of the entry in the access ledger (see `accessLog`)." })
  seq!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  time!: Date;

  @Classified("PUBLIC")
  @Field(() => String)
  requestId!: string;

  @Classified("PUBLIC")
  @Field(() => AccessPrincipal)
  principal!: AccessPrincipal;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "The purpose the request declared." })
  purpose!: string | null;

  @Classified("PUBLIC")
  @Field(() => AccessAuthority)
  authority!: AccessAuthority;

  @Classified("PUBLIC")
  @Field(() => [AccessLogField], { description: "The fields the request returned (in full or masked)." })
  fields!: AccessLogField[];

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true })
  operationName!: string | null;

  @Classified("PUBLIC")
  @Field(() => AccessOutcome)
  outcome!: AccessOutcome;
}

@ObjectType({ description: "Who accessed one person's data (个人信息查阅记录), newest first." })
export class SubjectAccessConnection {
  @Classified("PUBLIC")
  @Field(() => String, { description: "The person's pseudonymous id." })
  personId!: string;

  @Classified("PUBLIC")
  @Field(() => [SubjectAccess])
  nodes!: SubjectAccess[];

  @Classified("PUBLIC")
  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}

@ObjectType({ description: "Requests of one outcome under an agreement on one day." })
export class AgreementUsageDay {
  @Classified("PUBLIC")
  @Field(() => String, { description: "Calendar day in China Standard Time (UTC+8), YYYY-MM-DD." })
  date!: string;

  @Classified("PUBLIC")
  @Field(() => AccessOutcome)
  outcome!: AccessOutcome;

  @Classified("PUBLIC")
  @Field(() => Int)
  requests!: number;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Records returned." })
  records!: number;
}

@ObjectType({ description: "How an agreement was used in a time window, from the access ledger." })
export class AgreementUsage {
  @Classified("PUBLIC")
  @Field(() => ID)
  agreementId!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  from!: Date;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  to!: Date;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Requests of every outcome." })
  requests!: number;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Records returned by allowed and partial requests." })
  recordsReturned!: number;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Requests the permission check rejected (see `accessLog(outcome: DENIED)`)." })
  deniedAttempts!: number;

  @Classified("PUBLIC")
  @Field(() => [AgreementUsageDay], { description: "Counts by day and outcome, oldest first." })
  byDay!: AgreementUsageDay[];
}

/** The width of an overview's time buckets. */
export enum OverviewBucket {
  HOUR = "hour",
  DAY = "day",
}
registerEnumType(OverviewBucket, {
  name: "OverviewBucket",
  description: "The width of the access overview's time buckets, in China Standard Time (UTC+8).",
});

@ObjectType({ description: "Requests of one outcome in one time bucket." })
export class OverviewTimelinePoint {
  @Classified("PUBLIC")
  @Field(() => String, { description: "Start of the bucket in China Standard Time, `YYYY-MM-DDTHH:00+08:00`." })
  start!: string;

  @Classified("PUBLIC")
  @Field(() => AccessOutcome)
  outcome!: AccessOutcome;

  @Classified("PUBLIC")
  @Field(() => Int)
  requests!: number;
}

@ObjectType({ description: "Requests that returned personal data, by one key (a department, an agreement)." })
export class OverviewPersonalReads {
  @Classified("PUBLIC")
  @Field(() => String, {
    nullable: true,
    description: "The department (subgraph) or agreement id; null for an agreement: requests of officials, under no agreement.",
  })
  key!: string | null;

  @Classified("PUBLIC")
  @Field(() => Int)
  requests!: number;
}

@ObjectType({ description: "A field coordinate the permission check denied, and how often." })
export class OverviewDeniedCoordinate {
  @Classified("PUBLIC")
  @Field(() => String)
  coordinate!: string;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Requests (denied or partial) in which it was denied." })
  attempts!: number;
}

@ObjectType({ description: "What happened in a time window, from the access ledger: the auditor's overview." })
export class AccessOverview {
  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  from!: Date;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  to!: Date;

  @Classified("PUBLIC")
  @Field(() => OverviewBucket)
  bucket!: OverviewBucket;

  @Classified("PUBLIC")
  @Field(() => [OverviewTimelinePoint], { description: "Requests by bucket and outcome, oldest first; empty buckets are left out." })
  timeline!: OverviewTimelinePoint[];

  @Classified("PUBLIC")
  @Field(() => [OverviewPersonalReads], {
    description: "Requests that returned PERSONAL or SENSITIVE fields, by the department owning those fields, most first.",
  })
  personalReadsByDepartment!: OverviewPersonalReads[];

  @Classified("PUBLIC")
  @Field(() => [OverviewPersonalReads], { description: "Requests that returned personal data, by agreement (null: none), most first." })
  personalReadsByAgreement!: OverviewPersonalReads[];

  @Classified("PUBLIC")
  @Field(() => [OverviewDeniedCoordinate], { description: "The ten coordinates denied most often, most first." })
  topDeniedCoordinates!: OverviewDeniedCoordinate[];
}

@ObjectType({ description: "A principal whose personal-data reads jumped far above its own usual rate." })
export class AccessAnomaly {
  @Classified("PUBLIC")
  @Field(() => String, { description: '"user:<subject>" or "agreement:<api key id>", as in `accessLog(principal:)`.' })
  principal!: string;

  @Classified("PUBLIC")
  @Field(() => ID, { nullable: true, description: "The agreement it called under, if any." })
  agreementId!: string | null;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Requests that returned personal data in the last hour of the window." })
  reads!: number;

  @Classified("PUBLIC")
  @Field(() => Float, { description: "Its mean of such requests per hour over the baseline before that hour." })
  usualPerHour!: number;
}

@ObjectType({ description: "The anomaly feed: principals reading personal data far above their own usual rate, and the rule that says so." })
export class AccessAnomalies {
  @Classified("PUBLIC")
  @Field(() => String, { description: "The rule, in words (the console shows it beside the list)." })
  rule!: string;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime, { description: "Start of the hour examined." })
  from!: Date;

  @Classified("PUBLIC")
  @Field(() => GraphQLDateTime)
  to!: Date;

  @Classified("PUBLIC")
  @Field(() => [AccessAnomaly], { description: "Most reads first." })
  anomalies!: AccessAnomaly[];
}

/** The file formats of an access-log export. */
export enum LedgerExportFormat {
  JSONL = "JSONL",
  CSV = "CSV",
}

registerEnumType(LedgerExportFormat, {
  name: "LedgerExportFormat",
  description: "JSON Lines (each entry's stored body, whose hash the chain covers) or CSV (the columns of `citygraph audit export`).",
});

@ObjectType({ description: "One chunk of an access-log export: text to append to the file, and where the next chunk starts." })
export class AccessLogExportChunk {
  @Classified("PUBLIC")
  @Field(() => String, { description: "The chunk's lines (with the CSV header in the first chunk)." })
  text!: string;

  @Classified("PUBLIC")
  @Field(() => Int, { description: "Entries in this chunk." })
  entries!: number;

  @Classified("PUBLIC")
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Classified("PUBLIC")
  @Field(() => String, { nullable: true, description: "Pass as `after` for the next chunk." })
  endCursor!: string | null;
}
