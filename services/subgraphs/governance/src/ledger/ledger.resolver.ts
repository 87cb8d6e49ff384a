import { Arg, Args, Ctx, ID, Int, Query, Resolver } from "type-graphql";
import { GraphQLDateTime, Restricted, PageArgs, badUserInput, pageSize, toPage } from "@citygraph/core";
import { ledgerCsvHeader, ledgerCsvLine, type LedgerEntryInput } from "@citygraph/ledger";
import {
  AccessAnomalies,
  AccessLogConnection,
  AccessLogEntry,
  AccessLogExportChunk,
  LedgerExportFormat,
  AccessOutcome,
  AccessOverview,
  AgreementUsage,
  OverviewBucket,
  SubjectAccessConnection,
} from "./ledger.type.ts";
import { toAccessLogEntry, toSubjectAccess } from "./ledger.body.ts";
import { seqKey } from "./ledger.loaders.ts";
import {
  DEFAULT_OVERVIEW_WINDOW_HOURS,
  DEFAULT_USAGE_WINDOW_DAYS,
  MAX_OVERVIEW_WINDOW_DAYS,
  MAX_EXPORT_CHUNK,
  MAX_USAGE_WINDOW_DAYS,
  AccessLogFilterArgs,
  accessLogFilterOf,
  assertPersonId,
  assertUuid,
  decodeSeqCursor,
  validateLedgerWindow,
} from "./ledger.arguments.ts";
import type { GovernanceContext } from "../context.ts";
import { GOVERNANCE_ADMIN } from "../agreement/agreement.access.ts";

/**
 * When a principal's personal-data reads count as an anomaly: in the hour examined, at least
 * `minimum` of them and at least `factor` times its own hourly mean over the `baselineDays` before.
 * A principal with no history has a mean of 0, so `minimum` alone decides for it.
 */
export const ANOMALY_RULE = { factor: 5, minimum: 20, baselineDays: 7 } as const;

/** The scope of auditors. It grants no personal data: entries hold pseudonymous ids only. */
export const AUDIT_READ = "audit:read";

@Resolver(() => AccessLogEntry)
export class LedgerResolver {
  @Restricted(AUDIT_READ)
  @Query(() => AccessLogConnection, {
    description:
      "The tamper-evident access ledger, newest first: one entry per request through the gateway. " +
      "Denied attempts are `accessLog(outcome: DENIED)`. Requires audit:read.",
  })
  async accessLog(
    @Args(() => PageArgs) page: PageArgs,
    @Args(() => AccessLogFilterArgs) filter: AccessLogFilterArgs,
    @Ctx() context: GovernanceContext,
  ): Promise<AccessLogConnection> {
    const limit = pageSize(page.first);
    const after = decodeSeqCursor(page.after);
    const rows = await context.repositories.ledger.list(accessLogFilterOf(filter), limit, after);
    const connection = toPage(rows, limit, seqKey);
    return { nodes: connection.nodes.map(toAccessLogEntry), pageInfo: connection.pageInfo };
  }

  @Restricted(AUDIT_READ)
  @Query(() => AccessLogExportChunk, {
    description:
      "The access log's entries under the same filters as `accessLog`, newest first, as the text of an export file in " +
      `chunks of up to ${MAX_EXPORT_CHUNK} entries: JSON Lines (each line an entry's stored body, whose hash the chain covers) or ` +
      "CSV (the columns of `citygraph audit export`, the header in the first chunk). Requires audit:read.",
  })
  async accessLogExport(
    @Arg("format", () => LedgerExportFormat) format: LedgerExportFormat,
    @Args(() => AccessLogFilterArgs) filter: AccessLogFilterArgs,
    @Arg("first", () => Int, { nullable: true, description: `Entries in this chunk, 1-${MAX_EXPORT_CHUNK}. Default 1000.` })
    first: number | undefined,
    @Arg("after", () => String, { nullable: true, description: "`endCursor` of the previous chunk." }) after: string | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AccessLogExportChunk> {
    const limit = first ?? 1_000;
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPORT_CHUNK) throw badUserInput("first", `must be from 1 to ${MAX_EXPORT_CHUNK}.`);
    const cursor = decodeSeqCursor(after);
    const page = toPage(await context.repositories.ledger.list(accessLogFilterOf(filter), limit, cursor), limit, seqKey);
    // The same lines as `citygraph audit export`: one format, whichever way an auditor exports.
    const lines = page.nodes.map((row) =>
      format === LedgerExportFormat.CSV
        ? ledgerCsvLine({ seq: String(row.seq), prevHash: row.prevHash, hash: row.hash, body: row.body, entry: JSON.parse(row.body) as LedgerEntryInput })
        : `${row.body}\n`,
    );
    return {
      text: (format === LedgerExportFormat.CSV && cursor === undefined ? ledgerCsvHeader() : "") + lines.join(""),
      entries: page.nodes.length,
      hasNextPage: page.pageInfo.hasNextPage,
      endCursor: page.pageInfo.endCursor ?? null,
    };
  }

  @Restricted(AUDIT_READ)
  @Query(() => SubjectAccessConnection, {
    description:
      "Who accessed one person's personal data, newest first: when, why (purpose), on what authority and which fields. " +
      "Requires audit:read.",
  })
  async subjectAccessReport(
    @Arg("personId", () => String, { description: "The person's pseudonymous id (registry `Person.id`)." }) personId: string,
    @Args(() => PageArgs) page: PageArgs,
    @Ctx() context: GovernanceContext,
  ): Promise<SubjectAccessConnection> {
    assertPersonId("personId", personId);
    const limit = pageSize(page.first);
    const after = decodeSeqCursor(page.after);
    const found = await context.loaders.ledger.bySubject.load({
      parentId: personId,
      args: null,
      limit,
      after: after === undefined ? undefined : [String(after)],
    });
    return { personId, nodes: found.nodes.map(toSubjectAccess), pageInfo: found.pageInfo };
  }

  @Restricted(AUDIT_READ, GOVERNANCE_ADMIN)
  @Query(() => AgreementUsage, {
    description:
      `How an agreement was used: requests by day (UTC+8) and outcome, records returned, denied attempts. ` +
      `Default window: the last ${DEFAULT_USAGE_WINDOW_DAYS} days; at most ${MAX_USAGE_WINDOW_DAYS} days. ` +
      `Requires audit:read or governance:admin (administrators watch use against quota).`,
  })
  async agreementUsage(
    @Arg("agreementId", () => ID) agreementId: string,
    @Arg("from", () => GraphQLDateTime, { nullable: true }) from: Date | undefined,
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "Default: now." }) to: Date | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AgreementUsage> {
    const id = assertUuid("agreementId", agreementId);
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - DEFAULT_USAGE_WINDOW_DAYS * 86_400_000);
    const window = validateLedgerWindow(start, end, MAX_USAGE_WINDOW_DAYS) as Required<ReturnType<typeof validateLedgerWindow>>;
    const rows = await context.loaders.ledger.usage.load({ agreementId: id, from: window.from, to: window.to });
    const returning = new Set<string>([AccessOutcome.ALLOWED, AccessOutcome.PARTIAL]);
    return {
      agreementId: id,
      from: window.from,
      to: window.to,
      requests: rows.reduce((sum, r) => sum + r.requests, 0),
      recordsReturned: rows.filter((r) => returning.has(r.outcome)).reduce((sum, r) => sum + r.records, 0),
      deniedAttempts: rows.filter((r) => r.outcome === AccessOutcome.DENIED).reduce((sum, r) => sum + r.requests, 0),
      byDay: rows.map((r) => ({ date: r.date, outcome: r.outcome as AccessOutcome, requests: r.requests, records: r.records })),
    };
  }

  @Restricted(AUDIT_READ)
  @Query(() => AccessAnomalies, {
    description:
      `Principals whose personal-data reads in the hour before \`to\` are at least ${ANOMALY_RULE.minimum} and at least ` +
      `${ANOMALY_RULE.factor}x their own hourly mean over the ${ANOMALY_RULE.baselineDays} days before that hour. Requires audit:read.`,
  })
  async accessAnomalies(
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "End of the hour examined. Default: now." }) to: Date | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AccessAnomalies> {
    const end = validateLedgerWindow(undefined, to ?? new Date()).to ?? new Date();
    const recentFrom = new Date(end.getTime() - 3_600_000);
    const baselineHours = ANOMALY_RULE.baselineDays * 24;
    const baselineFrom = new Date(recentFrom.getTime() - baselineHours * 3_600_000);
    const rows = await context.repositories.ledger.anomalies({ baselineFrom, recentFrom, to: end }, ANOMALY_RULE.minimum);
    return {
      rule:
        `At least ${ANOMALY_RULE.minimum} requests returning personal data in one hour, and at least ` +
        `${ANOMALY_RULE.factor}× the principal's own hourly mean over the ${ANOMALY_RULE.baselineDays} days before.`,
      from: recentFrom,
      to: end,
      anomalies: rows
        .map((r) => ({ principal: r.principal, agreementId: r.agreementId, reads: r.recent, usualPerHour: r.baseline / baselineHours }))
        .filter((a) => a.reads >= ANOMALY_RULE.factor * a.usualPerHour),
    };
  }

  @Restricted(AUDIT_READ)
  @Query(() => AccessOverview, {
    description:
      `What happened in a window, for the auditor's overview: requests by hour or day (UTC+8) and outcome, ` +
      `personal-data reads by department and agreement, the most denied coordinates. Default window: the last ` +
      `${DEFAULT_OVERVIEW_WINDOW_HOURS} hours; at most ${MAX_OVERVIEW_WINDOW_DAYS} days. Requires audit:read.`,
  })
  async accessOverview(
    @Arg("from", () => GraphQLDateTime, { nullable: true }) from: Date | undefined,
    @Arg("to", () => GraphQLDateTime, { nullable: true, description: "Default: now." }) to: Date | undefined,
    @Arg("bucket", () => OverviewBucket, { nullable: true, description: "Default: HOUR for windows up to two days, DAY beyond." })
    bucket: OverviewBucket | undefined,
    @Ctx() context: GovernanceContext,
  ): Promise<AccessOverview> {
    const end = to ?? new Date();
    const start = from ?? new Date(end.getTime() - DEFAULT_OVERVIEW_WINDOW_HOURS * 3_600_000);
    const window = validateLedgerWindow(start, end, MAX_OVERVIEW_WINDOW_DAYS) as Required<ReturnType<typeof validateLedgerWindow>>;
    const width = bucket ?? (window.to.getTime() - window.from.getTime() <= 2 * 86_400_000 ? OverviewBucket.HOUR : OverviewBucket.DAY);
    const rows = await context.repositories.ledger.overview(window, width);
    return {
      from: window.from,
      to: window.to,
      bucket: width,
      timeline: rows.timeline.map((r) => ({ start: r.start, outcome: r.outcome as AccessOutcome, requests: r.requests })),
      personalReadsByDepartment: rows.byDepartment,
      personalReadsByAgreement: rows.byAgreement,
      topDeniedCoordinates: rows.denied,
    };
  }
}
