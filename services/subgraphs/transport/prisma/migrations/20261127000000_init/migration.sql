-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "transport";

-- CreateEnum
CREATE TYPE "transport"."CheckpointKind" AS ENUM ('HIGHWAY_EXIT', 'NATIONAL_ROAD', 'CITY_ENTRANCE', 'RAIL_STATION', 'AIRPORT');

-- CreateEnum
CREATE TYPE "transport"."CrossingDirection" AS ENUM ('IN', 'OUT');

-- CreateEnum
CREATE TYPE "transport"."TravelPurpose" AS ENUM ('WORK', 'BUSINESS', 'FAMILY_VISIT', 'TOURISM', 'STUDY', 'MEDICAL', 'TRANSIT', 'OTHER');

-- CreateTable
CREATE TABLE "transport"."checkpoint" (
    "code" VARCHAR(9) NOT NULL,
    "name" TEXT NOT NULL,
    "road" TEXT NOT NULL,
    "kind" "transport"."CheckpointKind" NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "checkpoint_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "transport"."checkpoint_crossing" (
    "id" INTEGER NOT NULL,
    "person_id" VARCHAR(16) NOT NULL,
    "plate" VARCHAR(8),
    "checkpoint_code" VARCHAR(9) NOT NULL,
    "time" TIMESTAMPTZ(3) NOT NULL,
    "direction" "transport"."CrossingDirection" NOT NULL,
    "origin_city" VARCHAR(16) NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "checkpoint_crossing_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "transport"."traveller_registration" (
    "id" INTEGER NOT NULL,
    "person_id" VARCHAR(16) NOT NULL,
    "origin_city" VARCHAR(16) NOT NULL,
    "arrival_date" DATE NOT NULL,
    "purpose" "transport"."TravelPurpose" NOT NULL,
    "quarantine_required" BOOLEAN NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,

    CONSTRAINT "traveller_registration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "checkpoint_district_code_code_idx" ON "transport"."checkpoint"("district_code", "code");

-- CreateIndex
CREATE INDEX "checkpoint_crossing_person_id_time_id_idx" ON "transport"."checkpoint_crossing"("person_id", "time" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "checkpoint_crossing_checkpoint_code_time_id_idx" ON "transport"."checkpoint_crossing"("checkpoint_code", "time", "id");

-- CreateIndex
CREATE INDEX "checkpoint_crossing_district_code_time_id_idx" ON "transport"."checkpoint_crossing"("district_code", "time", "id");

-- CreateIndex
CREATE INDEX "checkpoint_crossing_plate_time_id_idx" ON "transport"."checkpoint_crossing"("plate", "time", "id");

-- CreateIndex
CREATE INDEX "checkpoint_crossing_time_idx" ON "transport"."checkpoint_crossing" USING BRIN ("time");

-- CreateIndex
CREATE INDEX "traveller_registration_person_id_arrival_date_id_idx" ON "transport"."traveller_registration"("person_id", "arrival_date" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "traveller_registration_district_code_arrival_date_id_idx" ON "transport"."traveller_registration"("district_code", "arrival_date", "id");

-- CreateIndex
CREATE INDEX "traveller_registration_arrival_date_id_idx" ON "transport"."traveller_registration"("arrival_date", "id");

-- AddForeignKey
ALTER TABLE "transport"."checkpoint_crossing" ADD CONSTRAINT "checkpoint_crossing_checkpoint_code_fkey" FOREIGN KEY ("checkpoint_code") REFERENCES "transport"."checkpoint"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
