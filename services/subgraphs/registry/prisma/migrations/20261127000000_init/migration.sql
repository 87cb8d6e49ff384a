-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "registry";

-- CreateEnum
CREATE TYPE "registry"."Gender" AS ENUM ('FEMALE', 'MALE');

-- CreateTable
CREATE TABLE "registry"."district" (
    "code" VARCHAR(6) NOT NULL,
    "name" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "zone" BOOLEAN NOT NULL,
    "official" BOOLEAN NOT NULL,

    CONSTRAINT "district_pkey" PRIMARY KEY ("code")
);

-- CreateTable
CREATE TABLE "registry"."community" (
    "id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "subdistrict" TEXT NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "households" INTEGER NOT NULL,

    CONSTRAINT "community_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "registry"."person" (
    "id" VARCHAR(16) NOT NULL,
    "name" TEXT NOT NULL,
    "id_number" VARCHAR(18) NOT NULL,
    "phone" VARCHAR(11) NOT NULL,
    "gender" "registry"."Gender" NOT NULL,
    "birth_date" DATE NOT NULL,
    "address" TEXT NOT NULL,
    "district_code" VARCHAR(6) NOT NULL,
    "community_id" INTEGER NOT NULL,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "community_district_code_id_idx" ON "registry"."community"("district_code", "id");

-- CreateIndex
CREATE UNIQUE INDEX "person_id_number_key" ON "registry"."person"("id_number");

-- CreateIndex
CREATE INDEX "person_district_code_id_idx" ON "registry"."person"("district_code", "id");

-- CreateIndex
CREATE INDEX "person_community_id_id_idx" ON "registry"."person"("community_id", "id");

-- AddForeignKey
ALTER TABLE "registry"."community" ADD CONSTRAINT "community_district_code_fkey" FOREIGN KEY ("district_code") REFERENCES "registry"."district"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."person" ADD CONSTRAINT "person_district_code_fkey" FOREIGN KEY ("district_code") REFERENCES "registry"."district"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "registry"."person" ADD CONSTRAINT "person_community_id_fkey" FOREIGN KEY ("community_id") REFERENCES "registry"."community"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
