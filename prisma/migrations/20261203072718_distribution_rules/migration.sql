-- Distribution rules (issue 16; server/db/distribution.ts, tests/server/distribution-rules.test.ts):
-- every tenant table keeps organization_id in its primary key, unique keys and foreign keys, so the
-- schema distributes by organization (Citus). Rows of no organization move to global tables
-- (platform_audit_events, platform_outbox_emails); the two global lookups by a secret (an API key's
-- hash, an invitation link's hash) go through small global tables that name the organization.

-- CreateTable
CREATE TABLE "api_key_lookups" (
    "key_hash" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "api_key_id" UUID NOT NULL,

    CONSTRAINT "api_key_lookups_pkey" PRIMARY KEY ("key_hash")
);

-- CreateTable
CREATE TABLE "invitation_tokens" (
    "token_hash" TEXT NOT NULL,
    "organization_id" UUID NOT NULL,
    "invitation_id" UUID NOT NULL,

    CONSTRAINT "invitation_tokens_pkey" PRIMARY KEY ("token_hash")
);

-- CreateTable
CREATE TABLE "platform_audit_events" (
    "id" UUID NOT NULL,
    "actor_user_id" UUID,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "reason" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "impersonator_user_id" UUID,
    "impersonation_id" UUID,
    "seq" BIGINT NOT NULL DEFAULT 0,
    "prev_hash" TEXT NOT NULL DEFAULT '',
    "hash" TEXT NOT NULL DEFAULT '',

    CONSTRAINT "platform_audit_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "platform_audit_chain_heads" (
    "chain_key" TEXT NOT NULL,
    "last_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "platform_audit_chain_heads_pkey" PRIMARY KEY ("chain_key")
);

-- CreateTable
CREATE TABLE "platform_outbox_emails" (
    "id" UUID NOT NULL,
    "to" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "status" "EmailStatus" NOT NULL DEFAULT 'queued',
    "transport" TEXT NOT NULL,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "platform_outbox_emails_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "api_key_lookups_organization_id_api_key_id_idx" ON "api_key_lookups"("organization_id", "api_key_id");

-- CreateIndex
CREATE INDEX "invitation_tokens_organization_id_invitation_id_idx" ON "invitation_tokens"("organization_id", "invitation_id");

-- CreateIndex
CREATE INDEX "platform_audit_events_seq_idx" ON "platform_audit_events"("seq");

-- CreateIndex
CREATE INDEX "platform_audit_events_created_at_idx" ON "platform_audit_events"("created_at");

-- CreateIndex
CREATE INDEX "platform_outbox_emails_created_at_idx" ON "platform_outbox_emails"("created_at");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_organization_id_prefix_key" ON "api_keys"("organization_id", "prefix");

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "impersonation_organization_id" UUID;

-- ---- Data: rows of no organization to the platform's tables; the lookups from the tenant rows ----

-- The platform's audit chain moves as it is: seq, prev_hash and hash were computed with
-- organization_id null, which is how platform_audit_events_chain() keeps computing them.
INSERT INTO "platform_audit_events" ("id", "actor_user_id", "action", "target_type", "target_id", "before", "after", "reason", "created_at", "impersonator_user_id", "impersonation_id", "seq", "prev_hash", "hash")
SELECT "id", "actor_user_id", "action", "target_type", "target_id", "before", "after", "reason", "created_at", "impersonator_user_id", "impersonation_id", "seq", "prev_hash", "hash"
FROM "audit_events" WHERE "organization_id" IS NULL;
INSERT INTO "platform_audit_chain_heads" ("chain_key", "last_seq", "last_hash", "updated_at")
SELECT 'platform', "last_seq", "last_hash", "updated_at" FROM "audit_chain_heads" WHERE "organization_id" IS NULL;
-- The audit log is append-only (triggers); this move is the one sanctioned removal.
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only";
ALTER TABLE "audit_chain_heads" DISABLE TRIGGER "audit_chain_heads_guard";
DELETE FROM "audit_events" WHERE "organization_id" IS NULL;
DELETE FROM "audit_chain_heads" WHERE "organization_id" IS NULL;
ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only";
ALTER TABLE "audit_chain_heads" ENABLE TRIGGER "audit_chain_heads_guard";

INSERT INTO "platform_outbox_emails" ("id", "to", "subject", "text", "status", "transport", "error", "created_at", "sent_at")
SELECT "id", "to", "subject", "text", "status", "transport", "error", "created_at", "sent_at" FROM "outbox_emails" WHERE "organization_id" IS NULL;
DELETE FROM "outbox_emails" WHERE "organization_id" IS NULL;

INSERT INTO "api_key_lookups" ("key_hash", "organization_id", "api_key_id") SELECT "key_hash", "organization_id", "id" FROM "api_keys";
INSERT INTO "invitation_tokens" ("token_hash", "organization_id", "invitation_id") SELECT "token_hash", "organization_id", "id" FROM "invitations";
UPDATE "sessions" s SET "impersonation_organization_id" = i."organization_id"
FROM "impersonation_sessions" i WHERE i."id" = s."impersonation_id";

-- ---- Keys: organization_id in every tenant table's primary and unique keys ----

-- DropIndex
DROP INDEX "api_keys_key_hash_key";

-- DropIndex
DROP INDEX "api_keys_prefix_key";

-- DropIndex
DROP INDEX "audit_chain_heads_organization_id_idx";

-- DropIndex
DROP INDEX "impersonation_sessions_id_key";

-- DropIndex
DROP INDEX "invitations_token_hash_key";

-- AlterTable
ALTER TABLE "audit_chain_heads" DROP CONSTRAINT "audit_chain_heads_pkey",
DROP COLUMN "chain_key",
ALTER COLUMN "organization_id" SET NOT NULL,
ADD CONSTRAINT "audit_chain_heads_pkey" PRIMARY KEY ("organization_id");

-- AlterTable
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey",
ALTER COLUMN "organization_id" SET NOT NULL,
ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("organization_id", "id");

-- AlterTable
ALTER TABLE "outbox_emails" DROP CONSTRAINT "outbox_emails_pkey",
ALTER COLUMN "organization_id" SET NOT NULL,
ADD CONSTRAINT "outbox_emails_pkey" PRIMARY KEY ("organization_id", "id");

-- ---- Audit chains: each organization's head keyed by organization_id; the platform's apart ----

CREATE OR REPLACE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  INSERT INTO audit_chain_heads (organization_id, last_seq, last_hash)
    VALUES (NEW.organization_id, 0, repeat('0', 64)) ON CONFLICT (organization_id) DO NOTHING;
  SELECT last_seq, last_hash INTO head_seq, head_hash FROM audit_chain_heads WHERE organization_id = NEW.organization_id FOR UPDATE;
  NEW.seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_event_hash(NEW.prev_hash, NEW.seq, NEW.id, NEW.organization_id, NEW.actor_user_id, NEW.impersonator_user_id,
    NEW.impersonation_id, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.reason, NEW.created_at);
  UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash, updated_at = now() WHERE organization_id = NEW.organization_id;
  RETURN NEW;
END
$fn$;

-- The platform chain: the same serialization with organization_id null (as before the move).
CREATE FUNCTION platform_audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  INSERT INTO platform_audit_chain_heads (chain_key, last_seq, last_hash)
    VALUES ('platform', 0, repeat('0', 64)) ON CONFLICT (chain_key) DO NOTHING;
  SELECT last_seq, last_hash INTO head_seq, head_hash FROM platform_audit_chain_heads WHERE chain_key = 'platform' FOR UPDATE;
  NEW.seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_event_hash(NEW.prev_hash, NEW.seq, NEW.id, NULL, NEW.actor_user_id, NEW.impersonator_user_id,
    NEW.impersonation_id, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.reason, NEW.created_at);
  UPDATE platform_audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash, updated_at = now() WHERE chain_key = 'platform';
  RETURN NEW;
END
$fn$;

-- Append-only, as before, for the platform's tables too (which no erasure ever touches).
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    -- Changes the chaining trigger makes to a chain head.
    IF TG_TABLE_NAME IN ('audit_chain_heads', 'platform_audit_chain_heads') AND pg_trigger_depth() > 1 THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND TG_TABLE_NAME IN ('audit_events', 'audit_chain_heads') THEN
      IF current_setting('meterdesk.erasing_organization', true) = OLD.organization_id::text THEN
        RETURN OLD;
      END IF;
    END IF;
  END IF;
  RAISE EXCEPTION 'The audit log is append-only: % on % is not allowed.', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$fn$;

CREATE TRIGGER platform_audit_events_chain BEFORE INSERT ON platform_audit_events FOR EACH ROW EXECUTE FUNCTION platform_audit_events_chain();
CREATE TRIGGER platform_audit_events_append_only BEFORE UPDATE OR DELETE ON platform_audit_events FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER platform_audit_events_no_truncate BEFORE TRUNCATE ON platform_audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER platform_audit_chain_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON platform_audit_chain_heads FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER platform_audit_chain_heads_no_truncate BEFORE TRUNCATE ON platform_audit_chain_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
