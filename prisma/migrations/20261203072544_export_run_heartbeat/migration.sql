-- AlterTable
ALTER TABLE "export_runs" ADD COLUMN     "heartbeat_at" TIMESTAMPTZ(3);
