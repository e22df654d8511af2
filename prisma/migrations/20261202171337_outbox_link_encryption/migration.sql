-- AlterTable
ALTER TABLE "outbox_emails" ADD COLUMN     "invitation_id" UUID,
ADD COLUMN     "link_ciphertext" TEXT;

-- Rows written by earlier versions kept invitation links, token included, in clear. Note which
-- invitation each was for (by the token's hash, else the latest invitation to that address) so the
-- outbox can offer to resend it, then remove every token: those links can no longer be picked up here.
UPDATE "outbox_emails" o
SET "invitation_id" = COALESCE(
  (SELECT i."id" FROM "invitations" i
    WHERE i."organization_id" = o."organization_id"
      AND i."token_hash" = encode(sha256(convert_to(substring(o."link" from 'invite/([A-Za-z0-9_-]+)'), 'UTF8')), 'hex')),
  (SELECT i."id" FROM "invitations" i
    WHERE i."organization_id" = o."organization_id" AND i."email" = lower(o."to")
    ORDER BY i."created_at" DESC LIMIT 1))
WHERE o."link" IS NOT NULL;

UPDATE "outbox_emails"
SET "text" = regexp_replace(
  regexp_replace("text", '\S*invite/[A-Za-z0-9_-]+', '[invitation link — not stored: resend the invitation to get a new link]', 'g'),
  'mdi_[A-Za-z0-9_-]{16,}', '[invitation token removed]', 'g')
WHERE "link" IS NOT NULL OR "text" ~ '(invite/|mdi_)';

ALTER TABLE "outbox_emails" DROP COLUMN "link";
