-- CreateIndex
CREATE INDEX "ledger_entry_outcome_created_at_idx" ON "governance"."ledger_entry"("outcome", "created_at");

-- Hand-written: truncating the checkpoints would hide a truncated ledger, so they are
-- append-only for their owner too.
CREATE TRIGGER "ledger_checkpoint_no_truncate" BEFORE TRUNCATE ON "governance"."ledger_checkpoint"
  FOR EACH STATEMENT EXECUTE FUNCTION "governance"."ledger_is_append_only"();
