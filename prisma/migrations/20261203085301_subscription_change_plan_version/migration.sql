-- AlterTable
ALTER TABLE "subscription_changes" ADD COLUMN     "plan_version" INTEGER NOT NULL DEFAULT 1;

-- Tenants already on a later plan version: their latest recorded state is on it (earlier history
-- cannot be told apart and stays on version 1, the catalog's prices).
UPDATE "subscription_changes" sc SET "plan_version" = s."plan_version"
  FROM "subscriptions" s
 WHERE sc."organization_id" = s."organization_id" AND s."plan_version" <> 1 AND sc."plan_key" = s."plan_key"
   AND sc."id" = (SELECT x."id" FROM "subscription_changes" x WHERE x."organization_id" = sc."organization_id" ORDER BY x."effective_at" DESC, x."id" DESC LIMIT 1);
