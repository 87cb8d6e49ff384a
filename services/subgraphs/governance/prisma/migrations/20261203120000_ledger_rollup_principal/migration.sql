-- CreateIndex
CREATE INDEX "ledger_rollup_kind_key_hour_idx" ON "governance"."ledger_rollup"("kind", "key", "hour");

-- Hand-written: the rollup also counts each principal's requests returning personal data per hour
-- (kind 'principal'), so that the anomaly feed reads a principal's week of baseline from at most
-- 168 rows instead of counting its entries (5.6 s at 1 M entries a day for 97 principals before).
-- Otherwise as in `ledger_rollup`: SECURITY DEFINER, an entry counts in its own hour.
CREATE OR REPLACE FUNCTION "governance"."ledger_rollup_add"(seqs BIGINT[]) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
  INSERT INTO governance.ledger_rollup AS r (hour, kind, key, requests)
  SELECT hour, kind, key, count(*)::int
  FROM (
    SELECT date_trunc('hour', e.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, 'outcome' AS kind, e.outcome::text AS key
    FROM governance.ledger_entry e WHERE e.seq = ANY(seqs)
    UNION ALL
    SELECT date_trunc('hour', e.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'agreement', coalesce(e.agreement_id::text, '')
    FROM governance.ledger_entry e WHERE e.seq = ANY(seqs) AND cardinality(e.subjects) > 0
    UNION ALL
    SELECT date_trunc('hour', e.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'principal', e.principal
    FROM governance.ledger_entry e WHERE e.seq = ANY(seqs) AND cardinality(e.subjects) > 0
    UNION ALL
    SELECT DISTINCT ON (e.seq, a.owner) date_trunc('hour', e.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'department', a.owner
    FROM governance.ledger_entry e
    CROSS JOIN LATERAL unnest(e.coordinates) AS c(coordinate)
    JOIN governance.data_asset a ON a.coordinate = c.coordinate AND a.level IN ('PERSONAL', 'SENSITIVE')
    WHERE e.seq = ANY(seqs) AND cardinality(e.subjects) > 0 AND NOT (c.coordinate = ANY(e.denied))
    UNION ALL
    SELECT date_trunc('hour', e.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'denied', d.coordinate
    FROM governance.ledger_entry e
    CROSS JOIN LATERAL unnest(e.denied) AS d(coordinate)
    WHERE e.seq = ANY(seqs) AND e.outcome IN ('denied', 'partial')
  ) AS facts
  GROUP BY 1, 2, 3
  ON CONFLICT (hour, kind, key) DO UPDATE SET requests = r.requests + EXCLUDED.requests
$$;

-- The entries already there, for the new kind only.
INSERT INTO "governance"."ledger_rollup" (hour, kind, key, requests)
SELECT date_trunc('hour', created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 'principal', principal, count(*)::int
FROM "governance"."ledger_entry" WHERE cardinality(subjects) > 0
GROUP BY 1, 3;
