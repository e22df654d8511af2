-- CreateTable
CREATE TABLE "sms_pending_delivery_events" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "provider_message_id" TEXT NOT NULL,
    "event_type" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT,
    "settled_at" TIMESTAMPTZ(3),

    CONSTRAINT "sms_pending_delivery_events_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "sms_help_replies" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "inbound_message_id" TEXT NOT NULL,
    "to_phone" TEXT NOT NULL,
    "from_phone" TEXT,
    "body" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "not_before" TIMESTAMPTZ(3) NOT NULL,
    "sending_at" TIMESTAMPTZ(3),
    "sent_at" TIMESTAMPTZ(3),
    "provider_message_id" TEXT,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "sms_help_replies_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "sms_pending_delivery_events_organization_id_settled_at_idx" ON "sms_pending_delivery_events"("organization_id", "settled_at");

-- CreateIndex
CREATE UNIQUE INDEX "sms_pending_delivery_events_organization_id_provider_messag_key" ON "sms_pending_delivery_events"("organization_id", "provider_message_id", "event_type");

-- CreateIndex
CREATE INDEX "sms_help_replies_organization_id_status_not_before_idx" ON "sms_help_replies"("organization_id", "status", "not_before");

-- CreateIndex
CREATE UNIQUE INDEX "sms_help_replies_organization_id_inbound_message_id_key" ON "sms_help_replies"("organization_id", "inbound_message_id");
