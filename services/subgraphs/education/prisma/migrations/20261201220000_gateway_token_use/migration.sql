-- CreateTable
CREATE TABLE "education"."gateway_token_use" (
    "jti" VARCHAR(64) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "gateway_token_use_pkey" PRIMARY KEY ("jti")
);

-- CreateIndex
CREATE INDEX "gateway_token_use_expires_at_idx" ON "education"."gateway_token_use"("expires_at");
