import type pg from "pg";
import type { LedgerEntryInput } from "./entry.ts";

/** One stored ledger entry. */
export interface LedgerRecord {
  seq: string;
  prevHash: string;
  hash: string;
  /** The canonical JSON the hash covers. */
  body: string;
  entry: LedgerEntryInput;
}

/** A closed-open window of entry times. */
export interface LedgerRange {
  from?: Date;
  to?: Date;
}

/** Options of {@link readLedger}. */
export interface ReadLedgerOptions extends LedgerRange {
  /** Entries fetched per round trip. Default 2 000. */
  batchSize?: number;
}

function rangeWhere(range: LedgerRange): { sql: string; params: Date[] } {
  const conditions: string[] = [];
  const params: Date[] = [];
  if (range.from) conditions.push(`created_at >= $${params.push(range.from)}`);
  if (range.to) conditions.push(`created_at < $${params.push(range.to)}`);
  return { sql: conditions.length ? `WHERE ${conditions.join(" AND ")}` : "", params };
}

/** How many entries fall in `range` (for progress). */
export async function countLedgerEntries(pool: pg.Pool, range: LedgerRange): Promise<number> {
  const where = rangeWhere(range);
  const { rows } = await pool.query<{ n: string }>(`SELECT count(*)::text AS n FROM governance.ledger_entry ${where.sql}`, where.params);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Streams the entries whose time falls in the window, in chain (`seq`) order, from a server-side
 * cursor over one snapshot: constant memory for any range.
 */
export async function* readLedger(pool: pg.Pool, options: ReadLedgerOptions = {}): AsyncGenerator<LedgerRecord> {
  const batchSize = options.batchSize ?? 2_000;
  const where = rangeWhere(options);
  const client = await pool.connect();
  let reusable = true;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query(
      `DECLARE ledger_export NO SCROLL CURSOR FOR
       SELECT seq::text AS seq, prev_hash, hash, body FROM governance.ledger_entry ${where.sql} ORDER BY ledger_entry.seq`,
      where.params,
    );
    for (;;) {
      const { rows } = await client.query<{ seq: string; prev_hash: string; hash: string; body: string }>(
        `FETCH ${batchSize} FROM ledger_export`,
      );
      for (const row of rows) {
        yield { seq: row.seq, prevHash: row.prev_hash, hash: row.hash, body: row.body, entry: JSON.parse(row.body) as LedgerEntryInput };
      }
      if (rows.length < batchSize) break;
    }
  } catch (error) {
    reusable = false;
    throw error;
  } finally {
    if (reusable) await client.query("ROLLBACK").catch(() => (reusable = false));
    client.release(reusable ? undefined : true);
  }
}

/** The fixed column set of a CSV export. Lists are joined with spaces. */
export const LEDGER_CSV_COLUMNS = [
  "seq",
  "time",
  "request_id",
  "principal_kind",
  "principal_subject",
  "principal_org",
  "agreement_id",
  "purpose",
  "operation_name",
  "document_hash",
  "outcome",
  "refusal",
  "row_count",
  "latency_ms",
  "fields_full",
  "fields_masked",
  "fields_denied",
  "subjects",
  "prev_hash",
  "hash",
] as const;

/**
 * One RFC 4180 field: quoted when it holds a comma, quote or line break. A text that a spreadsheet
 * would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first, or after a separator: a principal's subject,
 * a purpose, a title are the caller's words) gets a leading `'`, as OWASP advises for CSV
 * injection; numbers are written as they are. The JSON Lines export keeps every value verbatim.
 */
export function csvField(value: string | number | undefined | null): string {
  if (typeof value === "number") return String(value);
  // At the start, and after a `,` or `;` (a spreadsheet set to a semicolon list separator splits
  // there, quotes or not).
  const text = (value ?? "").replace(/(^|[;,])(\s*)([=+\-@\t\r])/g, "$1$2'$3");
  return /[",;\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** The header line of a CSV export (with CRLF, as RFC 4180 has it). */
export function ledgerCsvHeader(): string {
  return `${LEDGER_CSV_COLUMNS.join(",")}\r\n`;
}

/** One entry as a CSV line in {@link LEDGER_CSV_COLUMNS} order. */
export function ledgerCsvLine(record: LedgerRecord): string {
  const e = record.entry;
  const fields = (decision: string) =>
    e.fields
      .filter((f) => f.decision === decision)
      .map((f) => f.coordinate)
      .join(" ");
  const values: Record<(typeof LEDGER_CSV_COLUMNS)[number], string | number | undefined> = {
    seq: record.seq,
    time: e.time,
    request_id: e.requestId,
    principal_kind: e.principal.kind,
    principal_subject: e.principal.subject,
    principal_org: e.principal.org,
    agreement_id: e.agreementId,
    purpose: e.purpose,
    operation_name: e.operationName,
    document_hash: e.documentHash,
    outcome: e.outcome,
    refusal: e.refusal,
    row_count: e.rowCount,
    latency_ms: e.latencyMs,
    fields_full: fields("full"),
    fields_masked: fields("masked"),
    fields_denied: fields("denied"),
    subjects: e.subjects.join(" "),
    prev_hash: record.prevHash,
    hash: record.hash,
  };
  return `${LEDGER_CSV_COLUMNS.map((c) => csvField(values[c])).join(",")}\r\n`;
}
