-- AlterTable
ALTER TABLE "audit_events" ADD COLUMN     "hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "impersonation_id" UUID,
ADD COLUMN     "impersonator_user_id" UUID,
ADD COLUMN     "prev_hash" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "seq" BIGINT NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "sessions" ADD COLUMN     "impersonation_id" UUID;

-- CreateTable
CREATE TABLE "audit_chain_heads" (
    "chain_key" TEXT NOT NULL,
    "organization_id" UUID,
    "last_seq" BIGINT NOT NULL,
    "last_hash" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_chain_heads_pkey" PRIMARY KEY ("chain_key")
);

-- CreateTable
CREATE TABLE "impersonation_sessions" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "impersonator_user_id" UUID NOT NULL,
    "impersonated_user_id" UUID NOT NULL,
    "staff_session_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "ticket_reference" TEXT NOT NULL,
    "started_at" TIMESTAMPTZ(3) NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "escalated_at" TIMESTAMPTZ(3),
    "escalation_reason" TEXT,
    "ended_at" TIMESTAMPTZ(3),
    "ended_reason" TEXT,

    CONSTRAINT "impersonation_sessions_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "audit_chain_heads_organization_id_idx" ON "audit_chain_heads"("organization_id");

-- CreateIndex
CREATE INDEX "impersonation_sessions_organization_id_started_at_idx" ON "impersonation_sessions"("organization_id", "started_at");

-- CreateIndex
CREATE INDEX "impersonation_sessions_impersonator_user_id_started_at_idx" ON "impersonation_sessions"("impersonator_user_id", "started_at");

-- CreateIndex
CREATE UNIQUE INDEX "impersonation_sessions_id_key" ON "impersonation_sessions"("id");

-- CreateIndex
CREATE INDEX "audit_events_organization_id_impersonator_user_id_idx" ON "audit_events"("organization_id", "impersonator_user_id");

-- ---------------------------------------------------------------------------------------------
-- Tamper-evident audit log: one hash chain per organization, plus the platform chain
-- (organization_id null). Documented in README.md ("Audit log") and server/audit/audit-chain.ts.
--
-- Canonical serialization, version 1: each field below, in this order, as text, written as
--   N;                       when the field is null
--   <octet length>:<text>;   otherwise (length in UTF-8 bytes, so no separator can be forged)
-- fields: 'v1', seq, id, organization_id, actor_user_id, impersonator_user_id, impersonation_id,
--   action, target_type, target_id, before (jsonb's text form), after (jsonb's text form), reason,
--   created_at (UTC, 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"').
-- hash = lower-case hex SHA-256 of the UTF-8 bytes of (prev_hash || canonical serialization);
-- the first event of a chain has prev_hash = 64 zeros.
-- ---------------------------------------------------------------------------------------------
CREATE FUNCTION audit_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE WHEN v IS NULL THEN 'N;' ELSE octet_length(v)::text || ':' || v || ';' END
$fn$;

CREATE FUNCTION audit_event_hash(
  prev_hash text, seq bigint, id uuid, organization_id uuid, actor_user_id uuid, impersonator_user_id uuid,
  impersonation_id uuid, action text, target_type text, target_id text, before jsonb, after jsonb,
  reason text, created_at timestamptz
) RETURNS text LANGUAGE sql STABLE AS $fn$
  SELECT encode(sha256(convert_to(
    prev_hash || audit_field('v1') || audit_field(seq::text) || audit_field(id::text) || audit_field(organization_id::text)
      || audit_field(actor_user_id::text) || audit_field(impersonator_user_id::text) || audit_field(impersonation_id::text)
      || audit_field(action) || audit_field(target_type) || audit_field(target_id) || audit_field(before::text)
      || audit_field(after::text) || audit_field(reason)
      || audit_field(to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')),
    'UTF8')), 'hex')
$fn$;

-- Chain the events recorded before this migration, per chain in time order.
DO $chain$
DECLARE
  r record;
  cur_key text := NULL;
  cur_org uuid;
  n bigint := 0;
  prev text;
  h text;
BEGIN
  FOR r IN SELECT * FROM audit_events ORDER BY organization_id NULLS FIRST, created_at, id LOOP
    IF cur_key IS DISTINCT FROM coalesce(r.organization_id::text, 'platform') THEN
      IF cur_key IS NOT NULL THEN
        INSERT INTO audit_chain_heads (chain_key, organization_id, last_seq, last_hash) VALUES (cur_key, cur_org, n, prev);
      END IF;
      cur_key := coalesce(r.organization_id::text, 'platform');
      cur_org := r.organization_id;
      n := 0;
      prev := repeat('0', 64);
    END IF;
    n := n + 1;
    h := audit_event_hash(prev, n, r.id, r.organization_id, r.actor_user_id, r.impersonator_user_id, r.impersonation_id,
      r.action, r.target_type, r.target_id, r.before, r.after, r.reason, r.created_at);
    UPDATE audit_events SET seq = n, prev_hash = prev, hash = h WHERE id = r.id;
    prev := h;
  END LOOP;
  IF cur_key IS NOT NULL THEN
    INSERT INTO audit_chain_heads (chain_key, organization_id, last_seq, last_hash) VALUES (cur_key, cur_org, n, prev);
  END IF;
END
$chain$;

-- CreateIndex (after chaining: every event now has its own place in its chain)
CREATE UNIQUE INDEX "audit_events_organization_id_seq_key" ON "audit_events"("organization_id", "seq");

-- Appending: the chain's head row is locked until the appending transaction ends, so concurrent
-- writers (any number of processes) take turns and never fork a chain. seq, prev_hash and hash are
-- always set here, whatever the INSERT said.
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  chain text := coalesce(NEW.organization_id::text, 'platform');
  head_seq bigint;
  head_hash text;
BEGIN
  INSERT INTO audit_chain_heads (chain_key, organization_id, last_seq, last_hash)
    VALUES (chain, NEW.organization_id, 0, repeat('0', 64)) ON CONFLICT (chain_key) DO NOTHING;
  SELECT last_seq, last_hash INTO head_seq, head_hash FROM audit_chain_heads WHERE chain_key = chain FOR UPDATE;
  NEW.seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_event_hash(NEW.prev_hash, NEW.seq, NEW.id, NEW.organization_id, NEW.actor_user_id, NEW.impersonator_user_id,
    NEW.impersonation_id, NEW.action, NEW.target_type, NEW.target_id, NEW.before, NEW.after, NEW.reason, NEW.created_at);
  UPDATE audit_chain_heads SET last_seq = NEW.seq, last_hash = NEW.hash, updated_at = now() WHERE chain_key = chain;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_events_chain();

-- Append-only: no UPDATE, no DELETE, no TRUNCATE. The one exception is erasing an organization
-- (server/organizations/erase-organization.ts), which names the organization it erases in the
-- transaction-local setting meterdesk.erasing_organization and deletes that whole chain.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_LEVEL = 'ROW' THEN
    -- Changes the chaining trigger makes to a chain head.
    IF TG_TABLE_NAME = 'audit_chain_heads' AND pg_trigger_depth() > 1 THEN
      RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' AND OLD.organization_id IS NOT NULL
       AND current_setting('meterdesk.erasing_organization', true) = OLD.organization_id::text THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'The audit log is append-only: % on % is not allowed.', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$fn$;
CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_heads_guard BEFORE INSERT OR UPDATE OR DELETE ON audit_chain_heads FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_chain_heads_no_truncate BEFORE TRUNCATE ON audit_chain_heads FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
