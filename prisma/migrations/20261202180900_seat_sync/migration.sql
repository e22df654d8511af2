-- CreateTable
CREATE TABLE "seat_syncs" (
    "organization_id" UUID NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "synced_quantity" INTEGER,
    "synced_state_at" TIMESTAMPTZ(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3),
    "leased_until" TIMESTAMPTZ(3),
    "last_error" TEXT,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "seat_syncs_pkey" PRIMARY KEY ("organization_id")
);
