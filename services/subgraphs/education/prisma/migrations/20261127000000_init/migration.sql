-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "education";

-- CreateEnum
CREATE TYPE "education"."SchoolStage" AS ENUM ('PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY');

-- CreateEnum
CREATE TYPE "education"."ReopeningStatus" AS ENUM ('CLOSED', 'ONLINE', 'PARTIAL', 'REOPENED');

-- CreateTable
CREATE TABLE "education"."school" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "stage" "education"."SchoolStage" NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "address" TEXT NOT NULL,
    "capacity" INTEGER NOT NULL,

    CONSTRAINT "school_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "education"."enrolment" (
    "id" INTEGER NOT NULL,
    "person_id" VARCHAR(16) NOT NULL,
    "school_id" INTEGER NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "grade" SMALLINT NOT NULL,
    "class_number" SMALLINT NOT NULL,
    "enrolled_since" DATE NOT NULL,

    CONSTRAINT "enrolment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "education"."school_reopening" (
    "school_id" INTEGER NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "status" "education"."ReopeningStatus" NOT NULL,
    "planned_date" DATE,
    "reopened_date" DATE,
    "grades_on_site" SMALLINT[],
    "approval_note" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "school_reopening_pkey" PRIMARY KEY ("school_id")
);

-- CreateTable
CREATE TABLE "education"."school_health_check" (
    "school_id" INTEGER NOT NULL,
    "date" DATE NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "students_expected" INTEGER NOT NULL,
    "students_checked" INTEGER NOT NULL,
    "with_fever" INTEGER NOT NULL,
    "absent_for_illness" INTEGER NOT NULL,
    "reported_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "school_health_check_pkey" PRIMARY KEY ("school_id","date")
);

-- CreateIndex
CREATE UNIQUE INDEX "school_name_key" ON "education"."school"("name");

-- CreateIndex
CREATE INDEX "school_district_code_stage_id_idx" ON "education"."school"("district_code", "stage", "id");

-- CreateIndex
CREATE INDEX "school_stage_id_idx" ON "education"."school"("stage", "id");

-- CreateIndex
CREATE UNIQUE INDEX "enrolment_person_id_key" ON "education"."enrolment"("person_id");

-- CreateIndex
CREATE INDEX "enrolment_school_id_grade_class_number_id_idx" ON "education"."enrolment"("school_id", "grade", "class_number", "id");

-- CreateIndex
CREATE INDEX "school_reopening_district_code_status_school_id_idx" ON "education"."school_reopening"("district_code", "status", "school_id");

-- CreateIndex
CREATE INDEX "school_reopening_status_school_id_idx" ON "education"."school_reopening"("status", "school_id");

-- AddForeignKey
ALTER TABLE "education"."enrolment" ADD CONSTRAINT "enrolment_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "education"."school"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "education"."school_reopening" ADD CONSTRAINT "school_reopening_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "education"."school"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "education"."school_health_check" ADD CONSTRAINT "school_health_check_school_id_fkey" FOREIGN KEY ("school_id") REFERENCES "education"."school"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
