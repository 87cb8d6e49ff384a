-- CreateEnum
CREATE TYPE "governance"."AgreementStatus" AS ENUM ('DRAFT', 'ACTIVE', 'SUSPENDED', 'REVOKED', 'EXPIRED');

-- AlterTable
ALTER TABLE "governance"."data_asset" ADD COLUMN     "kind" VARCHAR(16),
ADD COLUMN     "level" VARCHAR(16) NOT NULL DEFAULT 'PUBLIC',
ADD COLUMN     "requirements" TEXT;

-- CreateTable
CREATE TABLE "governance"."organization" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "credit_code" VARCHAR(18) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "organization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "governance"."agreement" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "purposes" TEXT[],
    "legal_basis" TEXT NOT NULL,
    "scopes" TEXT[],
    "allowed_fields" TEXT[],
    "districts" TEXT[],
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_until" TIMESTAMPTZ(3) NOT NULL,
    "requests_per_minute" INTEGER NOT NULL,
    "records_per_day" INTEGER NOT NULL,
    "status" "governance"."AgreementStatus" NOT NULL DEFAULT 'DRAFT',
    "status_reason" TEXT,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approved_by" TEXT,
    "approved_at" TIMESTAMPTZ(3),
    "updated_by" TEXT,
    "updated_at" TIMESTAMPTZ(3),

    CONSTRAINT "agreement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "governance"."agreement_operation" (
    "agreement_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "sha256" VARCHAR(64) NOT NULL,
    "document" TEXT NOT NULL,
    "registered_by" TEXT NOT NULL,
    "registered_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agreement_operation_pkey" PRIMARY KEY ("agreement_id","sha256")
);

-- CreateTable
CREATE TABLE "governance"."api_key" (
    "id" VARCHAR(32) NOT NULL,
    "agreement_id" UUID NOT NULL,
    "secret_hash" VARCHAR(64) NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "revoked_by" TEXT,
    "revoked_at" TIMESTAMPTZ(3),

    CONSTRAINT "api_key_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "governance"."quota_usage" (
    "agreement_id" UUID NOT NULL,
    "kind" VARCHAR(16) NOT NULL,
    "window" TIMESTAMPTZ(3) NOT NULL,
    "count" BIGINT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "quota_usage_pkey" PRIMARY KEY ("agreement_id","kind","window")
);

-- CreateTable
CREATE TABLE "governance"."ledger_entry" (
    "seq" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "body" TEXT NOT NULL,
    "prev_hash" VARCHAR(64) NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "request_id" TEXT NOT NULL,
    "principal" TEXT NOT NULL,
    "agreement_id" UUID,
    "purpose" TEXT,
    "outcome" VARCHAR(16) NOT NULL,
    "subjects" TEXT[],
    "coordinates" TEXT[],
    "denied" TEXT[],

    CONSTRAINT "ledger_entry_pkey" PRIMARY KEY ("seq")
);

-- CreateTable
CREATE TABLE "governance"."ledger_checkpoint" (
    "seq" BIGINT NOT NULL,
    "hash" VARCHAR(64) NOT NULL,
    "signed_at" TIMESTAMPTZ(3) NOT NULL,
    "signature" TEXT NOT NULL,

    CONSTRAINT "ledger_checkpoint_pkey" PRIMARY KEY ("seq")
);

-- CreateIndex
CREATE UNIQUE INDEX "organization_credit_code_key" ON "governance"."organization"("credit_code");

-- CreateIndex
CREATE INDEX "agreement_organization_id_idx" ON "governance"."agreement"("organization_id");

-- CreateIndex
CREATE INDEX "agreement_status_valid_until_idx" ON "governance"."agreement"("status", "valid_until");

-- CreateIndex
CREATE UNIQUE INDEX "agreement_operation_agreement_id_name_key" ON "governance"."agreement_operation"("agreement_id", "name");

-- CreateIndex
CREATE INDEX "api_key_agreement_id_idx" ON "governance"."api_key"("agreement_id");

-- CreateIndex
CREATE INDEX "quota_usage_expires_at_idx" ON "governance"."quota_usage"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "ledger_entry_hash_key" ON "governance"."ledger_entry"("hash");

-- CreateIndex
CREATE INDEX "ledger_entry_created_at_idx" ON "governance"."ledger_entry"("created_at");

-- CreateIndex
CREATE INDEX "ledger_entry_principal_created_at_idx" ON "governance"."ledger_entry"("principal", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entry_agreement_id_created_at_idx" ON "governance"."ledger_entry"("agreement_id", "created_at");

-- CreateIndex
CREATE INDEX "ledger_entry_subjects_idx" ON "governance"."ledger_entry" USING GIN ("subjects");

-- CreateIndex
CREATE INDEX "ledger_entry_coordinates_idx" ON "governance"."ledger_entry" USING GIN ("coordinates");

-- AddForeignKey
ALTER TABLE "governance"."agreement" ADD CONSTRAINT "agreement_organization_id_fkey" FOREIGN KEY ("organization_id") REFERENCES "governance"."organization"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance"."agreement_operation" ADD CONSTRAINT "agreement_operation_agreement_id_fkey" FOREIGN KEY ("agreement_id") REFERENCES "governance"."agreement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "governance"."api_key" ADD CONSTRAINT "api_key_agreement_id_fkey" FOREIGN KEY ("agreement_id") REFERENCES "governance"."agreement"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Hand-written: what Prisma's schema cannot say.

-- The gateway's database role: it reads agreements, keeps quota counters, and may only append to
-- the access ledger. Roles are cluster-wide, so creating it is idempotent.
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'citygraph_gateway') THEN
    CREATE ROLE citygraph_gateway NOLOGIN;
  END IF;
END
$$;
GRANT USAGE ON SCHEMA "governance" TO citygraph_gateway;
GRANT SELECT ON "governance"."organization", "governance"."agreement", "governance"."agreement_operation", "governance"."api_key" TO citygraph_gateway;
GRANT SELECT, INSERT, UPDATE, DELETE ON "governance"."quota_usage" TO citygraph_gateway;
GRANT SELECT, INSERT ON "governance"."ledger_entry", "governance"."ledger_checkpoint" TO citygraph_gateway;
GRANT USAGE ON SEQUENCE "governance"."ledger_entry_seq_seq" TO citygraph_gateway;

-- Append-only for everyone, owners included: only a superuser disabling the trigger could change a
-- row, and the hash chain shows it.
CREATE FUNCTION "governance"."ledger_is_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'the access ledger is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER "ledger_entry_append_only" BEFORE UPDATE OR DELETE ON "governance"."ledger_entry"
  FOR EACH ROW EXECUTE FUNCTION "governance"."ledger_is_append_only"();
CREATE TRIGGER "ledger_entry_no_truncate" BEFORE TRUNCATE ON "governance"."ledger_entry"
  FOR EACH STATEMENT EXECUTE FUNCTION "governance"."ledger_is_append_only"();
CREATE TRIGGER "ledger_checkpoint_append_only" BEFORE UPDATE OR DELETE ON "governance"."ledger_checkpoint"
  FOR EACH ROW EXECUTE FUNCTION "governance"."ledger_is_append_only"();
