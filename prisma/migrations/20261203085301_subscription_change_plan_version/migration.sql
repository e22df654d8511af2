-- AlterTable
ALTER TABLE "subscription_changes" ADD COLUMN     "plan_version" INTEGER NOT NULL DEFAULT 1;
