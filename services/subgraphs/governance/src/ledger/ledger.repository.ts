import { Prisma, type PrismaClient } from "../../prisma/generated/client.ts";
import type { LedgerRow } from "./ledger.body.ts";
import type { LedgerWindow } from "./ledger.arguments.ts";

/** Columns every ledger read returns: the body is the source of truth, the rest are its copies. */
const ROW_COLUMNS = Prisma.sql`e.seq, e.hash, e.prev_hash AS "prevHash", e.body`;

/** How many of the newest entries `list` examines in primary-key order before using the filters' indexes. */
export const RECENT_WINDOW = 4_096;

/** Filters of `accessLog`; each matches a query column of `ledger_entry` (and, mostly, an index). */
export interface AccessLogFilter extends LedgerWindow {
  principal?: string;
  agreementId?: string;
  purpose?: string;
  outcome?: string;
  coordinate?: string;
  subject?: string;
}

/** The SQL conditions of a filter, on alias `e`. */
function filterConditions(filter: AccessLogFilter): Prisma.Sql[] {
  const conditions: Prisma.Sql[] = [];
  if (filter.from) conditions.push(Prisma.sql`e.created_at >= ${filter.from}`);
  if (filter.to) conditions.push(Prisma.sql`e.created_at < ${filter.to}`);
  if (filter.principal !== undefined) conditions.push(Prisma.sql`e.principal = ${filter.principal}`);
  if (filter.agreementId !== undefined) conditions.push(Prisma.sql`e.agreement_id = ${filter.agreementId}::uuid`);
  if (filter.purpose !== undefined) conditions.push(Prisma.sql`e.purpose = ${filter.purpose}`);
  if (filter.outcome !== undefined) conditions.push(Prisma.sql`e.outcome = ${filter.outcome}`);
  // `@>` on the arrays: the GIN indexes.
  if (filter.coordinate !== undefined) conditions.push(Prisma.sql`e.coordinates @> ARRAY[${filter.coordinate}]::text[]`);
  if (filter.subject !== undefined) conditions.push(Prisma.sql`e.subjects @> ARRAY[${filter.subject}]::text[]`);
  return conditions;
}

/** A stored entry that returned data of a person, with that person. */
export interface SubjectLedgerRow extends LedgerRow {
  personId: string;
}

/** Counts of one agreement, day (UTC+8) and outcome. */
export interface UsageRow {
  agreementId: string;
  date: string;
  outcome: string;
  requests: number;
  records: number;
}

/**
 * Reads of the access ledger (`governance.ledger_entry`), newest first by `seq` (keyset cursor:
 * the last seq). Read-only: the ledger is written by the gateway alone, as `citygraph_gateway`.
 */
export class LedgerRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * One page of entries matching `filter`, newest first: `limit + 1` rows.
   *
   * In two steps, because PostgreSQL cannot know how rare a match is (a person's id, a field
   * nobody reads, a denial): first the newest {@link RECENT_WINDOW} entries before the cursor, in
   * primary-key order (bounded, a few ms), which answers any common filter; only if that window
   * holds too few matches, the rest through the filters' own indexes (GIN on subjects and
   * coordinates, btree on principal/agreement/created_at) with `seq + 0` so that the planner cannot
   * fall back to walking the whole primary key backwards.
   */
  async list(filter: AccessLogFilter, limit: number, after?: bigint): Promise<LedgerRow[]> {
    const conditions = filterConditions(filter);
    const before = after !== undefined ? Prisma.sql`e.seq < ${after}` : Prisma.sql`true`;
    const recent = await this.prisma.$queryRaw<LedgerRow[]>`
      SELECT ${ROW_COLUMNS}
      FROM (SELECT * FROM governance.ledger_entry e WHERE ${before} ORDER BY e.seq DESC LIMIT ${RECENT_WINDOW}) e
      WHERE ${Prisma.join([Prisma.sql`true`, ...conditions], " AND ")}
      ORDER BY e.seq DESC
      LIMIT ${limit + 1}`;
    if (recent.length > limit || conditions.length === 0) return recent;
    const [window] = await this.prisma.$queryRaw<{ floor: bigint | null; scanned: number }[]>`
      SELECT min(seq) AS floor, count(*)::int AS scanned
      FROM (SELECT e.seq FROM governance.ledger_entry e WHERE ${before} ORDER BY e.seq DESC LIMIT ${RECENT_WINDOW}) e`;
    if (!window || window.scanned < RECENT_WINDOW || window.floor === null) return recent;
    const older = await this.prisma.$queryRaw<LedgerRow[]>`
      SELECT ${ROW_COLUMNS}
      FROM governance.ledger_entry e
      WHERE ${Prisma.join([Prisma.sql`e.seq < ${window.floor}`, ...conditions], " AND ")}
      ORDER BY e.seq + 0 DESC
      LIMIT ${limit + 1 - recent.length}`;
    return [...recent, ...older];
  }

  /** Up to `limit + 1` entries that returned data of each person, newest first, in one statement. */
  listBySubjects(personIds: readonly string[], limit: number, after?: bigint): Promise<SubjectLedgerRow[]> {
    const conditions = [Prisma.sql`e.subjects @> ARRAY[p.key]`];
    if (after !== undefined) conditions.push(Prisma.sql`e.seq < ${after}`);
    return this.prisma.$queryRaw<SubjectLedgerRow[]>`
      SELECT p.key AS "personId", e.seq, e.hash, e.prev_hash AS "prevHash", e.body
      FROM unnest(${[...personIds]}::text[]) WITH ORDINALITY AS p(key, ord)
      CROSS JOIN LATERAL (
        SELECT seq, hash, prev_hash, body FROM governance.ledger_entry e
        WHERE ${Prisma.join(conditions, " AND ")}
        -- seq + 0: a person's entries are few among millions; walking the primary key backwards
        -- (what the planner would pick, not knowing that) reads the whole ledger for a rare person.
        ORDER BY e.seq + 0 DESC
        LIMIT ${limit + 1}
      ) e
      ORDER BY p.ord, e.seq DESC`;
  }

  /**
   * Requests and records returned per agreement, day (China Standard Time) and outcome in
   * [from, to), for every agreement in one statement. Records come from the bodies (rowCount).
   */
  usage(agreementIds: readonly string[], window: Required<LedgerWindow>): Promise<UsageRow[]> {
    return this.prisma.$queryRaw<UsageRow[]>`
      SELECT agreement_id::text AS "agreementId",
             to_char(created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS date,
             outcome,
             count(*)::int AS requests,
             coalesce(sum((body::jsonb ->> 'rowCount')::bigint), 0)::int AS records
      FROM governance.ledger_entry
      WHERE agreement_id = ANY(${[...agreementIds]}::uuid[])
        AND created_at >= ${window.from} AND created_at < ${window.to}
      GROUP BY 1, 2, 3
      ORDER BY 1, 2, 3`;
  }

  /**
   * The auditor's overview of [from, to). Whole hours are read from `ledger_rollup` (kept by a
   * trigger as entries are appended); only the partial hours at either end are aggregated from the
   * entries, through the `created_at` index. Personal-data reads join the catalog (a few hundred
   * rows) to know each coordinate's level. Both parts count the same things (see the migration
   * `ledger_rollup`) and are summed.
   */
  async overview(window: Required<LedgerWindow>, bucket: "hour" | "day"): Promise<OverviewRows> {
    const { wholeFrom, wholeTo } = wholeHours(window);
    const edges = Prisma.sql`((e.created_at >= ${window.from} AND e.created_at < ${wholeFrom}) OR (e.created_at >= ${wholeTo} AND e.created_at < ${window.to}))`;
    const hours = (kind: string) => Prisma.sql`r.kind = ${kind} AND r.hour >= ${wholeFrom} AND r.hour < ${wholeTo}`;
    const start = (column: Prisma.Sql) =>
      Prisma.sql`to_char(date_trunc(${bucket}, ${column} AT TIME ZONE 'Asia/Shanghai'), 'YYYY-MM-DD"T"HH24:00+08:00')`;
    const [timeline, byDepartment, byAgreement, denied] = await Promise.all([
      this.prisma.$queryRaw<OverviewRows["timeline"]>`
        SELECT start, outcome, sum(requests)::int AS requests FROM (
          SELECT ${start(Prisma.sql`e.created_at`)} AS start, e.outcome::text AS outcome, count(*) AS requests
          FROM governance.ledger_entry e WHERE ${edges} GROUP BY 1, 2
          UNION ALL
          SELECT ${start(Prisma.sql`r.hour`)}, r.key, sum(r.requests) FROM governance.ledger_rollup r WHERE ${hours("outcome")} GROUP BY 1, 2
        ) AS parts
        GROUP BY 1, 2
        ORDER BY 1, 2`,
      this.prisma.$queryRaw<OverviewRows["byDepartment"]>`
        SELECT key, sum(requests)::int AS requests FROM (
          SELECT a.owner AS key, count(DISTINCT e.seq) AS requests
          FROM governance.ledger_entry e
          CROSS JOIN LATERAL unnest(e.coordinates) AS c(coordinate)
          JOIN governance.data_asset a ON a.coordinate = c.coordinate AND a.level IN ('PERSONAL', 'SENSITIVE')
          WHERE ${edges} AND cardinality(e.subjects) > 0 AND NOT (c.coordinate = ANY(e.denied))
          GROUP BY a.owner
          UNION ALL
          SELECT r.key, sum(r.requests) FROM governance.ledger_rollup r WHERE ${hours("department")} GROUP BY 1
        ) AS parts
        GROUP BY 1
        ORDER BY 2 DESC, 1`,
      this.prisma.$queryRaw<OverviewRows["byAgreement"]>`
        SELECT nullif(key, '') AS key, sum(requests)::int AS requests FROM (
          SELECT coalesce(e.agreement_id::text, '') AS key, count(*) AS requests
          FROM governance.ledger_entry e
          WHERE ${edges} AND cardinality(e.subjects) > 0
          GROUP BY 1
          UNION ALL
          SELECT r.key, sum(r.requests) FROM governance.ledger_rollup r WHERE ${hours("agreement")} GROUP BY 1
        ) AS parts
        GROUP BY 1
        ORDER BY 2 DESC, 1 NULLS FIRST`,
      this.prisma.$queryRaw<OverviewRows["denied"]>`
        SELECT coordinate, sum(attempts)::int AS attempts FROM (
          SELECT d.coordinate, count(*) AS attempts
          FROM governance.ledger_entry e
          CROSS JOIN LATERAL unnest(e.denied) AS d(coordinate)
          WHERE e.outcome IN ('denied', 'partial') AND ${edges}
          GROUP BY 1
          UNION ALL
          SELECT r.key, sum(r.requests) FROM governance.ledger_rollup r WHERE ${hours("denied")} GROUP BY 1
        ) AS parts
        GROUP BY 1
        ORDER BY 2 DESC, 1
        LIMIT 10`,
    ]);
    return { timeline, byDepartment, byAgreement, denied };
  }

  /**
   * Principals with at least `minimum` personal-data reads in [recentFrom, to), each with its reads
   * in [baselineFrom, recentFrom). Both windows are counted like the overview: whole hours from
   * `ledger_rollup` (kind `principal`), the partial end hours from the entries; the baseline only
   * for the principals the recent window flagged. A week of baseline is then at most 168 rollup
   * rows per principal, whatever the traffic (counting the entries took 5.6 s at 1 M a day).
   */
  anomalies(window: { baselineFrom: Date; recentFrom: Date; to: Date }, minimum: number): Promise<AnomalyRow[]> {
    const recent = personalReadsByPrincipal({ from: window.recentFrom, to: window.to });
    const baseline = personalReadsByPrincipal(
      { from: window.baselineFrom, to: window.recentFrom },
      (column) => Prisma.sql`${column} IN (SELECT principal FROM recent)`,
    );
    return this.prisma.$queryRaw<AnomalyRow[]>`
      WITH recent AS (
        SELECT principal, reads FROM (${recent}) AS counts WHERE reads >= ${minimum}
      ), baseline AS (${baseline})
      SELECT r.principal, latest."agreementId", r.reads AS recent, coalesce(b.reads, 0) AS baseline
      FROM recent r
      LEFT JOIN baseline b ON b.principal = r.principal
      -- The agreement a principal reads under: an API key's principal only ever has one.
      LEFT JOIN LATERAL (
        SELECT e.agreement_id::text AS "agreementId" FROM governance.ledger_entry e
        WHERE e.principal = r.principal AND e.created_at >= ${window.recentFrom} AND e.created_at < ${window.to}
        ORDER BY e.created_at DESC LIMIT 1
      ) latest ON true
      ORDER BY r.reads DESC, r.principal`;
  }
}

/**
 * Requests returning personal data per principal in a window, as a statement yielding
 * `(principal, reads)`: whole hours from the rollup, partial end hours from the entries.
 * `only` narrows both parts to some principals, given the column to test.
 */
function personalReadsByPrincipal(window: Required<LedgerWindow>, only?: (column: Prisma.Sql) => Prisma.Sql): Prisma.Sql {
  const { wholeFrom, wholeTo } = wholeHours(window);
  const entries = only ? only(Prisma.sql`e.principal`) : Prisma.sql`true`;
  const rollup = only ? only(Prisma.sql`r.key`) : Prisma.sql`true`;
  return Prisma.sql`
    SELECT principal, sum(reads)::int AS reads FROM (
      SELECT e.principal, count(*) AS reads
      FROM governance.ledger_entry e
      WHERE ((e.created_at >= ${window.from} AND e.created_at < ${wholeFrom}) OR (e.created_at >= ${wholeTo} AND e.created_at < ${window.to}))
        AND cardinality(e.subjects) > 0 AND ${entries}
      GROUP BY 1
      UNION ALL
      SELECT r.key, sum(r.requests)
      FROM governance.ledger_rollup r
      WHERE r.kind = 'principal' AND r.hour >= ${wholeFrom} AND r.hour < ${wholeTo} AND ${rollup}
      GROUP BY 1
    ) AS parts
    GROUP BY 1`;
}

const HOUR_MS = 3_600_000;

/**
 * The whole hours inside a window, [wholeFrom, wholeTo); an empty range at `to` when it holds none,
 * so that the partial ends then cover the whole window. Hours are UTC hours, which are also
 * Asia/Shanghai's (UTC+8 has no half hours): the rollup's hours.
 */
export function wholeHours(window: Required<LedgerWindow>): { wholeFrom: Date; wholeTo: Date } {
  const wholeFrom = Math.ceil(window.from.getTime() / HOUR_MS) * HOUR_MS;
  const wholeTo = Math.floor(window.to.getTime() / HOUR_MS) * HOUR_MS;
  return wholeFrom < wholeTo ? { wholeFrom: new Date(wholeFrom), wholeTo: new Date(wholeTo) } : { wholeFrom: window.to, wholeTo: window.to };
}

/** One principal's personal-data reads in the recent window, and in the baseline before it. */
export interface AnomalyRow {
  principal: string;
  agreementId: string | null;
  recent: number;
  baseline: number;
}

/** The rows of {@link LedgerRepository.overview}. */
export interface OverviewRows {
  timeline: { start: string; outcome: string; requests: number }[];
  byDepartment: { key: string; requests: number }[];
  byAgreement: { key: string | null; requests: number }[];
  denied: { coordinate: string; attempts: number }[];
}
