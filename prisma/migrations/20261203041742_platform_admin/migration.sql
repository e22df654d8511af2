-- CreateTable
CREATE TABLE "admin_notes" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "author_user_id" UUID,
    "body" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "admin_notes_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "subscription_changes" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "effective_at" TIMESTAMPTZ(3) NOT NULL,
    "plan_key" TEXT NOT NULL,
    "provider_status" TEXT NOT NULL,
    "billing_interval" TEXT,
    "seat_quantity" INTEGER NOT NULL DEFAULT 0,
    "provider_subscription_id" TEXT,

    CONSTRAINT "subscription_changes_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "admin_notes_organization_id_created_at_idx" ON "admin_notes"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "subscription_changes_organization_id_effective_at_idx" ON "subscription_changes"("organization_id", "effective_at");

-- Backfill: each tenant's current mirrored subscription is its first known change.
INSERT INTO "subscription_changes" ("organization_id", "id", "effective_at", "plan_key", "provider_status", "billing_interval", "seat_quantity", "provider_subscription_id")
SELECT "organization_id", gen_random_uuid(), coalesce("provider_created", "created_at"), "plan_key", coalesce("provider_status", "status"::text), "billing_interval", "seat_quantity", "provider_subscription_id"
  FROM "subscriptions" WHERE "provider_subscription_id" IS NOT NULL;
