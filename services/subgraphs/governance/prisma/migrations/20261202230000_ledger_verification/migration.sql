-- CreateTable
CREATE TABLE "governance"."ledger_verification" (
    "id" UUID NOT NULL,
    "requested_by" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    "total_entries" BIGINT NOT NULL,
    "entries_checked" BIGINT NOT NULL DEFAULT 0,
    "intact" BOOLEAN,
    "break_count" INTEGER NOT NULL DEFAULT 0,
    "breaks" JSONB NOT NULL DEFAULT '[]',
    "anchors" JSONB NOT NULL DEFAULT '[]',
    "warnings" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "head_seq" BIGINT,
    "checkpoint_seq" BIGINT,
    "failure" TEXT,

    CONSTRAINT "ledger_verification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ledger_verification_started_at_idx" ON "governance"."ledger_verification"("started_at");
