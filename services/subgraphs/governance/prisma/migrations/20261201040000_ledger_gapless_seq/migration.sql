-- Hand-written: the writer numbers entries from the chain's head under its advisory lock (gapless:
-- an aborted transaction leaves no hole), so the sequence behind the column's default is not the
-- gateway's to use — nothing it runs can draw numbers that leave a gap.
REVOKE USAGE ON SEQUENCE "governance"."ledger_entry_seq_seq" FROM citygraph_gateway;
