-- CreateEnum
CREATE TYPE "CustomerType" AS ENUM ('business', 'individual');

-- CreateEnum
CREATE TYPE "ContactSharing" AS ENUM ('shared', 'personal');

-- CreateEnum
CREATE TYPE "EmailStatus" AS ENUM ('queued', 'sent', 'failed');

-- AlterTable
ALTER TABLE "invitations" ADD COLUMN     "last_sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "send_count" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "memberships" ADD COLUMN     "deactivated_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "alert_thresholds" INTEGER[] DEFAULT ARRAY[50, 75, 80, 90, 100]::INTEGER[],
ADD COLUMN     "billing_country" TEXT,
ADD COLUMN     "billing_email" TEXT,
ADD COLUMN     "contact_sharing" "ContactSharing" NOT NULL DEFAULT 'shared',
ADD COLUMN     "customer_type" "CustomerType" NOT NULL DEFAULT 'business',
ADD COLUMN     "logo_data_url" TEXT;

-- CreateTable
CREATE TABLE "outbox_emails" (
    "id" UUID NOT NULL,
    "organization_id" UUID,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "link" TEXT,
    "status" "EmailStatus" NOT NULL DEFAULT 'queued',
    "transport" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_emails_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "contacts" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "owner_user_id" UUID NOT NULL,
    "team_id" UUID,
    "name" TEXT NOT NULL,
    "phone" TEXT,
    "email" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "contacts_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "campaigns" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "owner_user_id" UUID NOT NULL,
    "team_id" UUID,
    "name" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "campaigns_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "user_limits" (
    "organization_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "user_limits_pkey" PRIMARY KEY ("organization_id","user_id","metric")
);

-- CreateTable
CREATE TABLE "team_budgets" (
    "organization_id" UUID NOT NULL,
    "team_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "team_budgets_pkey" PRIMARY KEY ("organization_id","team_id","metric")
);

-- CreateIndex
CREATE INDEX "outbox_emails_organization_id_created_at_idx" ON "outbox_emails"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "contacts_organization_id_owner_user_id_idx" ON "contacts"("organization_id", "owner_user_id");

-- CreateIndex
CREATE INDEX "campaigns_organization_id_owner_user_id_idx" ON "campaigns"("organization_id", "owner_user_id");

-- CreateIndex
CREATE INDEX "memberships_organization_id_role_idx" ON "memberships"("organization_id", "role");
