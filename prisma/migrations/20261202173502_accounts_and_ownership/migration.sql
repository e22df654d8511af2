-- DropIndex
DROP INDEX "teams_organization_id_name_key";

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "deletion_scheduled_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "password_resets" (
    "id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "token_hash" TEXT NOT NULL,
    "issued_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "used_at" TIMESTAMPTZ(3),

    CONSTRAINT "password_resets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_settings" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updated_by_id" UUID,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "platform_settings_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "password_resets_token_hash_key" ON "password_resets"("token_hash");

-- CreateIndex
CREATE INDEX "password_resets_user_id_created_at_idx" ON "password_resets"("user_id", "created_at");

-- CreateIndex
CREATE INDEX "password_resets_created_at_idx" ON "password_resets"("created_at");

-- AddForeignKey
ALTER TABLE "password_resets" ADD CONSTRAINT "password_resets_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Team names are unique per organization regardless of case, among teams not archived ("Sales" and
-- "sales" cannot both be live). Prisma's schema cannot express an expression or partial index.
-- Existing case-insensitive duplicates get a suffix first so the index can be built.
UPDATE "teams" t SET "name" = t."name" || ' (' || substr(t."id"::text, 1, 8) || ')'
WHERE t."archived_at" IS NULL AND EXISTS (
  SELECT 1 FROM "teams" o
  WHERE o."organization_id" = t."organization_id" AND o."archived_at" IS NULL
    AND lower(o."name") = lower(t."name") AND o."id" < t."id");
CREATE UNIQUE INDEX "teams_organization_id_lower_name_key" ON "teams"("organization_id", lower("name")) WHERE "archived_at" IS NULL;
