-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "governance";

-- CreateTable
CREATE TABLE "governance"."data_asset" (
    "coordinate" TEXT NOT NULL,
    "type_name" TEXT NOT NULL,
    "field_name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "owners" TEXT[],
    "return_type" TEXT NOT NULL,
    "description" TEXT,
    "synced_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "data_asset_pkey" PRIMARY KEY ("coordinate")
);

-- CreateIndex
CREATE INDEX "data_asset_owner_coordinate_idx" ON "governance"."data_asset"("owner", "coordinate");

-- CreateIndex
CREATE INDEX "data_asset_type_name_coordinate_idx" ON "governance"."data_asset"("type_name", "coordinate");
