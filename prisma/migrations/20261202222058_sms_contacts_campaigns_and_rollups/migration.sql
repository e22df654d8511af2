-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "actual_cost_micros" BIGINT NOT NULL DEFAULT 0,
ADD COLUMN     "append_footer" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "body" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "completed_at" TIMESTAMPTZ(3),
ADD COLUMN     "currency" TEXT NOT NULL DEFAULT 'usd',
ADD COLUMN     "estimated_cost_micros" BIGINT,
ADD COLUMN     "exclude_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "include_tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "reservation_id" UUID,
ADD COLUMN     "scheduled_at" TIMESTAMPTZ(3),
ADD COLUMN     "sms_type" TEXT NOT NULL DEFAULT 'Promotional',
ADD COLUMN     "started_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "contacts" ADD COLUMN     "consent_at" TIMESTAMPTZ(3),
ADD COLUMN     "consent_sms" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "consent_source" TEXT,
ADD COLUMN     "country" TEXT,
ADD COLUMN     "opt_out_at" TIMESTAMPTZ(3),
ADD COLUMN     "opt_out_sms" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "contact_consent_events" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "contact_id" UUID,
    "change" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "detail" TEXT,
    "actor_user_id" UUID,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "contact_consent_events_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "sms_opt_outs" (
    "organization_id" UUID NOT NULL,
    "phone" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "opted_out_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_opt_outs_pkey" PRIMARY KEY ("organization_id","phone")
);

-- CreateTable
CREATE TABLE "sms_channels" (
    "organization_id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "default_sms_type" TEXT NOT NULL DEFAULT 'Promotional',
    "sender_id" TEXT,
    "origination_number" TEXT,
    "parts_per_second" INTEGER NOT NULL DEFAULT 1,
    "topic_arn" TEXT,
    "help_text" TEXT,
    "compliance_footer" TEXT NOT NULL DEFAULT 'Reply STOP to opt out',
    "quiet_hours_start" INTEGER NOT NULL DEFAULT 21,
    "quiet_hours_end" INTEGER NOT NULL DEFAULT 8,
    "in_sandbox" BOOLEAN,
    "monthly_spend_limit_usd" INTEGER,
    "last_tested_at" TIMESTAMPTZ(3),
    "last_test_error" TEXT,
    "opt_outs_synced_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_channels_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "campaign_messages" (
    "organization_id" UUID NOT NULL,
    "campaign_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "contact_id" UUID,
    "phone" TEXT NOT NULL,
    "country" TEXT,
    "parts" INTEGER NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "not_before" TIMESTAMPTZ(3),
    "provider_message_id" TEXT,
    "error" TEXT,
    "estimated_cost_micros" BIGINT,
    "actual_cost_micros" BIGINT,
    "actual_parts" INTEGER,
    "sending_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "delivered_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "campaign_messages_pkey" PRIMARY KEY ("organization_id","campaign_id","id")
);

-- CreateTable
CREATE TABLE "sms_inbound_messages" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "provider_message_id" TEXT NOT NULL,
    "from_phone" TEXT NOT NULL,
    "to_phone" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reviewed_at" TIMESTAMPTZ(3),
    "reviewed_by_id" UUID,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sms_inbound_messages_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "usage_daily_rollups" (
    "organization_id" UUID NOT NULL,
    "scope" "CounterScope" NOT NULL,
    "scope_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "quantity" BIGINT NOT NULL DEFAULT 0,
    "cost_micros" BIGINT NOT NULL DEFAULT 0,
    "price_micros" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_daily_rollups_pkey" PRIMARY KEY ("organization_id","scope","scope_id","metric","day")
);

-- CreateIndex
CREATE INDEX "contact_consent_events_organization_id_phone_occurred_at_idx" ON "contact_consent_events"("organization_id", "phone", "occurred_at");

-- CreateIndex
CREATE INDEX "campaign_messages_organization_id_campaign_id_status_idx" ON "campaign_messages"("organization_id", "campaign_id", "status");

-- CreateIndex
CREATE INDEX "campaign_messages_organization_id_provider_message_id_idx" ON "campaign_messages"("organization_id", "provider_message_id");

-- CreateIndex
CREATE UNIQUE INDEX "campaign_messages_organization_id_campaign_id_phone_key" ON "campaign_messages"("organization_id", "campaign_id", "phone");

-- CreateIndex
CREATE INDEX "sms_inbound_messages_organization_id_action_received_at_idx" ON "sms_inbound_messages"("organization_id", "action", "received_at");

-- CreateIndex
CREATE UNIQUE INDEX "sms_inbound_messages_organization_id_provider_message_id_key" ON "sms_inbound_messages"("organization_id", "provider_message_id");

-- CreateIndex
CREATE INDEX "usage_daily_rollups_organization_id_metric_day_idx" ON "usage_daily_rollups"("organization_id", "metric", "day");

-- CreateIndex
CREATE INDEX "campaigns_organization_id_status_idx" ON "campaigns"("organization_id", "status");

-- CreateIndex
CREATE INDEX "contacts_organization_id_team_id_idx" ON "contacts"("organization_id", "team_id");

-- CreateIndex
CREATE UNIQUE INDEX "contacts_organization_id_phone_key" ON "contacts"("organization_id", "phone");
