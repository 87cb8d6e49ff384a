-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "enterprise";

-- CreateEnum
CREATE TYPE "enterprise"."Industry" AS ENUM ('AGRICULTURE', 'MINING', 'MANUFACTURING', 'UTILITIES', 'CONSTRUCTION', 'WHOLESALE_RETAIL', 'TRANSPORT_LOGISTICS', 'ACCOMMODATION_CATERING', 'IT_SERVICES', 'FINANCE', 'REAL_ESTATE', 'LEASING_BUSINESS_SERVICES', 'SCIENTIFIC_RESEARCH', 'WATER_ENVIRONMENT', 'RESIDENT_SERVICES', 'EDUCATION', 'HEALTHCARE', 'CULTURE_SPORTS_ENTERTAINMENT');

-- CreateEnum
CREATE TYPE "enterprise"."ResumptionStatus" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED', 'WITHDRAWN');

-- CreateTable
CREATE TABLE "enterprise"."enterprise" (
    "credit_code" VARCHAR(18) NOT NULL,
    "name" TEXT NOT NULL,
    "industry" "enterprise"."Industry" NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "registered_capital" DECIMAL(14,4) NOT NULL,
    "established_on" DATE NOT NULL,
    "employee_count" INTEGER NOT NULL,
    "legal_representative_id" VARCHAR(16) NOT NULL,

    CONSTRAINT "enterprise_pkey" PRIMARY KEY ("credit_code")
);

-- CreateTable
CREATE TABLE "enterprise"."employment" (
    "person_id" VARCHAR(16) NOT NULL,
    "enterprise_credit_code" VARCHAR(18) NOT NULL,
    "position" TEXT NOT NULL,
    "since" DATE NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "employment_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "enterprise"."resumption_application" (
    "id" INTEGER NOT NULL,
    "enterprise_credit_code" VARCHAR(18) NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "enterprise"."ResumptionStatus" NOT NULL,
    "planned_resumption_date" DATE NOT NULL,
    "approved_at" TIMESTAMPTZ(3),
    "headcount_requested" INTEGER NOT NULL,
    "headcount_approved" INTEGER,
    "prevention_measures" TEXT NOT NULL,
    "reviewer_note" TEXT,

    CONSTRAINT "resumption_application_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "enterprise_district_code_credit_code_idx" ON "enterprise"."enterprise"("district_code", "credit_code");

-- CreateIndex
CREATE INDEX "enterprise_industry_credit_code_idx" ON "enterprise"."enterprise"("industry", "credit_code");

-- CreateIndex
CREATE INDEX "enterprise_district_code_industry_credit_code_idx" ON "enterprise"."enterprise"("district_code", "industry", "credit_code");

-- CreateIndex
CREATE INDEX "employment_enterprise_credit_code_person_id_idx" ON "enterprise"."employment"("enterprise_credit_code", "person_id");

-- CreateIndex
CREATE INDEX "resumption_application_enterprise_credit_code_submitted_at__idx" ON "enterprise"."resumption_application"("enterprise_credit_code", "submitted_at", "id");

-- CreateIndex
CREATE INDEX "resumption_application_submitted_at_id_idx" ON "enterprise"."resumption_application"("submitted_at", "id");

-- CreateIndex
CREATE INDEX "resumption_application_district_code_submitted_at_id_idx" ON "enterprise"."resumption_application"("district_code", "submitted_at", "id");

-- CreateIndex
CREATE INDEX "resumption_application_status_submitted_at_id_idx" ON "enterprise"."resumption_application"("status", "submitted_at", "id");

-- CreateIndex
CREATE INDEX "resumption_application_district_code_status_submitted_at_id_idx" ON "enterprise"."resumption_application"("district_code", "status", "submitted_at", "id");

-- AddForeignKey
ALTER TABLE "enterprise"."employment" ADD CONSTRAINT "employment_enterprise_credit_code_fkey" FOREIGN KEY ("enterprise_credit_code") REFERENCES "enterprise"."enterprise"("credit_code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "enterprise"."resumption_application" ADD CONSTRAINT "resumption_application_enterprise_credit_code_fkey" FOREIGN KEY ("enterprise_credit_code") REFERENCES "enterprise"."enterprise"("credit_code") ON DELETE RESTRICT ON UPDATE CASCADE;
