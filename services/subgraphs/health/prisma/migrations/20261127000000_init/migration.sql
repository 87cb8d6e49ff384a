-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "health";

-- CreateEnum
CREATE TYPE "health"."HealthCodeColor" AS ENUM ('GREEN', 'YELLOW', 'RED');

-- CreateEnum
CREATE TYPE "health"."CommunityRiskLevel" AS ENUM ('LOW', 'MEDIUM', 'HIGH');

-- CreateTable
CREATE TABLE "health"."fever_clinic" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "hospital" TEXT NOT NULL,
    "grade" VARCHAR(8) NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "fever_clinic_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."fever_clinic_visit" (
    "id" INTEGER NOT NULL,
    "person_id" VARCHAR(16) NOT NULL,
    "clinic_id" INTEGER NOT NULL,
    "visited_at" TIMESTAMPTZ(3) NOT NULL,
    "temperature" DECIMAL(3,1) NOT NULL,
    "symptoms" TEXT[],
    "diagnosis" TEXT NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "fever_clinic_visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."health_declaration" (
    "id" INTEGER NOT NULL,
    "person_id" VARCHAR(16) NOT NULL,
    "declared_on" DATE NOT NULL,
    "temperature" DECIMAL(3,1) NOT NULL,
    "has_symptoms" BOOLEAN NOT NULL,
    "travel_history" BOOLEAN NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "health_declaration_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "health"."health_code" (
    "person_id" VARCHAR(16) NOT NULL,
    "color" "health"."HealthCodeColor" NOT NULL,
    "reason" TEXT,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "health_code_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "health"."community_risk_tier" (
    "community_id" INTEGER NOT NULL,
    "level" "health"."CommunityRiskLevel" NOT NULL,
    "since" DATE NOT NULL,
    "reason" TEXT NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "community_risk_tier_pkey" PRIMARY KEY ("community_id")
);

-- CreateTable
CREATE TABLE "health"."case_count" (
    "date" DATE NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "confirmed" INTEGER NOT NULL,
    "asymptomatic" INTEGER NOT NULL,
    "recovered" INTEGER NOT NULL,

    CONSTRAINT "case_count_pkey" PRIMARY KEY ("district_code","date")
);

-- CreateIndex
CREATE INDEX "fever_clinic_district_code_id_idx" ON "health"."fever_clinic"("district_code", "id");

-- CreateIndex
CREATE INDEX "fever_clinic_visit_person_id_visited_at_id_idx" ON "health"."fever_clinic_visit"("person_id", "visited_at", "id");

-- CreateIndex
CREATE INDEX "fever_clinic_visit_visited_at_id_idx" ON "health"."fever_clinic_visit"("visited_at", "id");

-- CreateIndex
CREATE INDEX "fever_clinic_visit_district_code_visited_at_id_idx" ON "health"."fever_clinic_visit"("district_code", "visited_at", "id");

-- CreateIndex
CREATE INDEX "fever_clinic_visit_clinic_id_idx" ON "health"."fever_clinic_visit"("clinic_id");

-- CreateIndex
CREATE INDEX "health_declaration_declared_on_id_idx" ON "health"."health_declaration"("declared_on", "id");

-- CreateIndex
CREATE INDEX "health_declaration_district_code_declared_on_id_idx" ON "health"."health_declaration"("district_code", "declared_on", "id");

-- CreateIndex
CREATE UNIQUE INDEX "health_declaration_person_id_declared_on_key" ON "health"."health_declaration"("person_id", "declared_on");

-- CreateIndex
CREATE INDEX "community_risk_tier_district_code_community_id_idx" ON "health"."community_risk_tier"("district_code", "community_id");

-- CreateIndex
CREATE INDEX "community_risk_tier_level_community_id_idx" ON "health"."community_risk_tier"("level", "community_id");

-- CreateIndex
CREATE INDEX "case_count_date_district_code_idx" ON "health"."case_count"("date", "district_code");

-- AddForeignKey
ALTER TABLE "health"."fever_clinic_visit" ADD CONSTRAINT "fever_clinic_visit_clinic_id_fkey" FOREIGN KEY ("clinic_id") REFERENCES "health"."fever_clinic"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
