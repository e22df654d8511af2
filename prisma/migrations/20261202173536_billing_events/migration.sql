-- CreateEnum
CREATE TYPE "BillingEventStatus" AS ENUM ('processed', 'failed', 'ignored');

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "billing_interval" TEXT,
ADD COLUMN     "canceled_at" TIMESTAMPTZ(3),
ADD COLUMN     "ended_at" TIMESTAMPTZ(3),
ADD COLUMN     "provider_created" TIMESTAMPTZ(3),
ADD COLUMN     "provider_price_lookup_key" TEXT,
ADD COLUMN     "provider_state_at" TIMESTAMPTZ(3),
ADD COLUMN     "provider_status" TEXT,
ADD COLUMN     "seat_quantity" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "billing_customers" (
    "organization_id" UUID NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'stripe',
    "provider_customer_id" TEXT NOT NULL,
    "email" TEXT,
    "country" TEXT,
    "is_business" BOOLEAN,
    "default_pm_brand" TEXT,
    "default_pm_last4" TEXT,
    "default_pm_exp_month" INTEGER,
    "default_pm_exp_year" INTEGER,
    "deleted_at" TIMESTAMPTZ(3),
    "provider_state_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_customers_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "billing_invoices" (
    "organization_id" UUID NOT NULL,
    "provider_invoice_id" TEXT NOT NULL,
    "provider_customer_id" TEXT NOT NULL,
    "provider_subscription_id" TEXT,
    "number" TEXT,
    "status" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "amount_due" BIGINT NOT NULL,
    "amount_paid" BIGINT NOT NULL,
    "amount_remaining" BIGINT NOT NULL,
    "total" BIGINT NOT NULL,
    "tax" BIGINT NOT NULL DEFAULT 0,
    "hosted_invoice_url" TEXT,
    "invoice_pdf" TEXT,
    "period_start" TIMESTAMPTZ(3),
    "period_end" TIMESTAMPTZ(3),
    "provider_created" TIMESTAMPTZ(3) NOT NULL,
    "provider_state_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_invoices_pkey" PRIMARY KEY ("organization_id","provider_invoice_id")
);

-- CreateTable
CREATE TABLE "billing_payment_methods" (
    "organization_id" UUID NOT NULL,
    "provider_payment_method_id" TEXT NOT NULL,
    "provider_customer_id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "brand" TEXT,
    "last4" TEXT,
    "exp_month" INTEGER,
    "exp_year" INTEGER,
    "provider_created" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_payment_methods_pkey" PRIMARY KEY ("organization_id","provider_payment_method_id")
);

-- CreateTable
CREATE TABLE "billing_events" (
    "event_id" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT 'stripe',
    "type" TEXT NOT NULL,
    "provider_created" TIMESTAMPTZ(3) NOT NULL,
    "organization_id" UUID,
    "status" "BillingEventStatus" NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "last_error" TEXT,
    "source" TEXT NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3),
    "processed_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "billing_sync_state" (
    "provider" TEXT NOT NULL,
    "last_event_id" TEXT,
    "last_event_created" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "last_resync_at" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "billing_sync_state_pkey" PRIMARY KEY ("provider")
);

-- CreateIndex
CREATE UNIQUE INDEX "billing_customers_organization_id_provider_customer_id_key" ON "billing_customers"("organization_id", "provider_customer_id");

-- CreateIndex
CREATE INDEX "billing_invoices_organization_id_provider_created_idx" ON "billing_invoices"("organization_id", "provider_created");

-- CreateIndex
CREATE INDEX "billing_events_status_next_attempt_at_idx" ON "billing_events"("status", "next_attempt_at");
