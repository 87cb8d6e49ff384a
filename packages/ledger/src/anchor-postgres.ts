import pg from "pg";
import { parseAnchor, redactedUrl, type AnchorRecord, type AnchorSink, type LedgerAnchor } from "./anchor.ts";

/** The role the gateway publishes anchors as, in the audit office's database: INSERT and SELECT only. */
export const ANCHOR_WRITER_ROLE = "citygraph_anchor_writer";

const SAFE_ROLE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Creates the anchor table in the audit office's own database (run by that database's owner, not
 * by the governance database's administrators): insert-only for `writerRole`, and triggers refuse
 * UPDATE, DELETE and TRUNCATE for everyone, the owner included — the same guard as the ledger's.
 * Idempotent. The writer role must already exist (with LOGIN and a password the audit office
 * hands the gateway's operators): this never creates credentials.
 */
export async function setupAnchorDatabase(adminUrl: string, writerRole: string = ANCHOR_WRITER_ROLE): Promise<void> {
  if (!SAFE_ROLE.test(writerRole)) throw new TypeError(`Not a safe role name: ${writerRole}`);
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`
      CREATE SCHEMA IF NOT EXISTS ledger_anchor;
      CREATE TABLE IF NOT EXISTS ledger_anchor.anchor (
        id BIGSERIAL PRIMARY KEY,
        seq BIGINT NOT NULL,
        hash VARCHAR(64) NOT NULL,
        signed_at TIMESTAMPTZ(3) NOT NULL,
        signature TEXT NOT NULL,
        received_at TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP
      );
      CREATE INDEX IF NOT EXISTS anchor_seq_idx ON ledger_anchor.anchor (seq);
      CREATE OR REPLACE FUNCTION ledger_anchor.is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'ledger anchors are append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      DROP TRIGGER IF EXISTS anchor_append_only ON ledger_anchor.anchor;
      CREATE TRIGGER anchor_append_only BEFORE UPDATE OR DELETE ON ledger_anchor.anchor
        FOR EACH ROW EXECUTE FUNCTION ledger_anchor.is_append_only();
      DROP TRIGGER IF EXISTS anchor_no_truncate ON ledger_anchor.anchor;
      CREATE TRIGGER anchor_no_truncate BEFORE TRUNCATE ON ledger_anchor.anchor
        FOR EACH STATEMENT EXECUTE FUNCTION ledger_anchor.is_append_only();
      REVOKE ALL ON ledger_anchor.anchor FROM PUBLIC;
      GRANT USAGE ON SCHEMA ledger_anchor TO ${writerRole};
      GRANT SELECT, INSERT ON ledger_anchor.anchor TO ${writerRole};
      GRANT USAGE ON SEQUENCE ledger_anchor.anchor_id_seq TO ${writerRole};
    `);
  } finally {
    await client.end();
  }
}

/**
 * Anchors in a PostgreSQL database the audit office owns, reached with its own URL and credentials
 * (the writer role of {@link setupAnchorDatabase}): one multi-row INSERT per batch.
 */
export function createPostgresAnchorSink(url: string): AnchorSink {
  const pool = new pg.Pool({ connectionString: url, max: 1, connectionTimeoutMillis: 5_000, options: "-c statement_timeout=10000" });
  pool.on("error", () => undefined);
  const toRow = (row: { seq: string; hash: string; signed_at: Date; signature: string }) =>
    parseAnchor(JSON.stringify({ seq: row.seq, hash: row.hash, signedAt: row.signed_at.toISOString(), signature: row.signature }));
  return {
    name: redactedUrl(url),
    async append(anchors: readonly LedgerAnchor[]) {
      if (anchors.length === 0) return;
      const params: string[] = [];
      const tuples = anchors.map((a, i) => {
        params.push(a.seq, a.hash, a.signedAt, a.signature);
        return `($${i * 4 + 1}, $${i * 4 + 2}, $${i * 4 + 3}, $${i * 4 + 4})`;
      });
      await pool.query(`INSERT INTO ledger_anchor.anchor (seq, hash, signed_at, signature) VALUES ${tuples.join(", ")}`, params);
    },
    async *read(): AsyncIterable<AnchorRecord> {
      const client = await pool.connect();
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
        await client.query(
          "DECLARE anchors NO SCROLL CURSOR FOR SELECT id::text AS id, seq::text AS seq, hash, signed_at, signature FROM ledger_anchor.anchor AS a ORDER BY a.id",
        );
        for (;;) {
          const { rows } = await client.query<{ id: string; seq: string; hash: string; signed_at: Date; signature: string }>("FETCH 5000 FROM anchors");
          for (const row of rows) {
            const parsed = toRow(row);
            yield typeof parsed === "string"
              ? { kind: "damaged", where: `${redactedUrl(url)} id ${row.id}`, problem: parsed }
              : { kind: "anchor", anchor: parsed };
          }
          if (rows.length < 5000) break;
        }
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }
    },
    async latest() {
      const { rows } = await pool.query<{ seq: string; hash: string; signed_at: Date; signature: string }>(
        "SELECT seq::text AS seq, hash, signed_at, signature FROM ledger_anchor.anchor AS a ORDER BY a.seq DESC, a.id DESC LIMIT 1",
      );
      const parsed = rows[0] ? toRow(rows[0]) : undefined;
      return typeof parsed === "string" ? undefined : parsed;
    },
    close: () => pool.end(),
  };
}
