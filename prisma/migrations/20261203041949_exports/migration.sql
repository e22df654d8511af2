-- CreateTable
CREATE TABLE "export_runs" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scope_id" UUID NOT NULL,
    "scope_name" TEXT NOT NULL,
    "period" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "file_name" TEXT,
    "file_path" TEXT,
    "bytes" BIGINT,
    "sha256" TEXT,
    "rows" INTEGER,
    "error" TEXT,
    "schedule_id" UUID,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "finished_at" TIMESTAMPTZ(3),

    CONSTRAINT "export_runs_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "export_schedules" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL DEFAULT 'usage_pack',
    "scope" TEXT NOT NULL,
    "scope_id" UUID NOT NULL,
    "scope_name" TEXT NOT NULL,
    "folder" TEXT NOT NULL,
    "created_by_id" UUID NOT NULL,
    "next_run_at" TIMESTAMPTZ(3) NOT NULL,
    "leased_until" TIMESTAMPTZ(3),
    "last_run_at" TIMESTAMPTZ(3),
    "last_status" TEXT,
    "last_error" TEXT,
    "last_run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "export_schedules_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "export_runs_organization_id_created_at_idx" ON "export_runs"("organization_id", "created_at");

-- CreateIndex
CREATE INDEX "export_schedules_next_run_at_idx" ON "export_schedules"("next_run_at");
