-- Partitioned usage ledger (issue 16): usage_events becomes range-partitioned by month of
-- occurred_at, on PostgreSQL and on the embedded PGlite alike (PGlite runs PostgreSQL 18 and
-- supports declarative partitioning). A default partition catches anything outside the monthly
-- ones; meterdesk_ensure_usage_partition() creates a month (here for the months in use and the
-- next two, then ahead of time by the ensure-usage-partitions job), and retention archives and
-- drops whole months (server/ledger/).
--
-- A partitioned table can only enforce uniqueness that includes the partition key, so the primary
-- key becomes (organization_id, occurred_at, id) and idempotency keys move to usage_event_keys
-- (organization_id, idempotency_key): every writer inserts the key ON CONFLICT DO NOTHING and the
-- event only for the keys it inserted, in one statement, so a key is a duplicate in any month.

-- The old table gives way; its rows are copied below.
ALTER TABLE "usage_events" RENAME TO "usage_events_unpartitioned";
ALTER TABLE "usage_events_unpartitioned" RENAME CONSTRAINT "usage_events_pkey" TO "usage_events_unpartitioned_pkey";
DROP INDEX "usage_events_organization_id_idempotency_key_key";
DROP INDEX "usage_events_organization_id_metric_occurred_at_idx";
DROP INDEX "usage_events_organization_id_occurred_at_id_idx";
DROP INDEX "usage_events_organization_id_team_id_occurred_at_idx";
DROP INDEX "usage_events_organization_id_user_id_occurred_at_idx";

-- CreateTable
CREATE TABLE "usage_events" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "recorded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "idempotency_key" TEXT NOT NULL,
    "user_id" UUID,
    "team_id" UUID,
    "resource_type" TEXT,
    "resource_id" TEXT,
    "metadata" JSONB,
    "cost_micros" BIGINT,
    "price_micros" BIGINT,
    "currency" TEXT,
    "source" TEXT NOT NULL DEFAULT 'api',
    "reservation_id" UUID,

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("organization_id","occurred_at","id")
) PARTITION BY RANGE ("occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_metric_occurred_at_idx" ON "usage_events"("organization_id", "metric", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_team_id_occurred_at_idx" ON "usage_events"("organization_id", "team_id", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_user_id_occurred_at_idx" ON "usage_events"("organization_id", "user_id", "occurred_at");

CREATE TABLE "usage_events_default" PARTITION OF "usage_events" DEFAULT;

-- CreateTable
CREATE TABLE "usage_event_keys" (
    "organization_id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "event_id" UUID NOT NULL,

    CONSTRAINT "usage_event_keys_pkey" PRIMARY KEY ("organization_id","idempotency_key")
);

-- CreateTable
CREATE TABLE "usage_event_archives" (
    "month" DATE NOT NULL,
    "file_name" TEXT NOT NULL,
    "rows" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "archived_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_event_archives_pkey" PRIMARY KEY ("month")
);

-- The partition of a month's name: usage_events_p202612 for December 2026.
CREATE FUNCTION meterdesk_usage_partition_name(p_month DATE) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$ SELECT 'usage_events_p' || to_char(p_month, 'YYYYMM') $$;

-- Creates the partition of the month holding p_month (UTC months) unless it exists; true when it
-- created one. Rows of that month already in the default partition move into it. Safe when several
-- processes call it at once (an advisory lock, then the check again). The default partition is
-- locked while rows move and the partition attaches: ingestion into months without a partition
-- waits that long, so months are created ahead of time.
CREATE FUNCTION meterdesk_ensure_usage_partition(p_month DATE) RETURNS BOOLEAN
LANGUAGE plpgsql AS $$
DECLARE
  v_month DATE := date_trunc('month', p_month)::DATE;
  v_name TEXT := meterdesk_usage_partition_name(v_month);
  v_from TIMESTAMPTZ := v_month::TIMESTAMP AT TIME ZONE 'UTC';
  v_to TIMESTAMPTZ := (v_month + INTERVAL '1 month')::TIMESTAMP AT TIME ZONE 'UTC';
BEGIN
  IF to_regclass(v_name) IS NOT NULL THEN RETURN FALSE; END IF;
  PERFORM pg_advisory_xact_lock(hashtext('meterdesk_usage_partitions'));
  IF to_regclass(v_name) IS NOT NULL THEN RETURN FALSE; END IF;
  LOCK TABLE usage_events_default IN ACCESS EXCLUSIVE MODE;
  EXECUTE format('CREATE TABLE %I (LIKE usage_events INCLUDING DEFAULTS)', v_name);
  EXECUTE format('WITH moved AS (DELETE FROM usage_events_default WHERE occurred_at >= $1 AND occurred_at < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', v_name)
    USING v_from, v_to;
  EXECUTE format('ALTER TABLE usage_events ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', v_name, v_from, v_to);
  RETURN TRUE;
END $$;

-- The months in use and the next two get their partitions; then the rows and their keys move over.
SELECT meterdesk_ensure_usage_partition(m::DATE)
  FROM generate_series(
         date_trunc('month', least(coalesce((SELECT min(occurred_at) FROM usage_events_unpartitioned), now()), now() - INTERVAL '1 month') AT TIME ZONE 'UTC'),
         date_trunc('month', now() AT TIME ZONE 'UTC') + INTERVAL '2 months',
         INTERVAL '1 month') m
 WHERE EXISTS (SELECT 1 FROM usage_events_unpartitioned e
                WHERE e.occurred_at >= date_trunc('month', m) AT TIME ZONE 'UTC' AND e.occurred_at < (date_trunc('month', m) + INTERVAL '1 month') AT TIME ZONE 'UTC')
    OR m >= (now() AT TIME ZONE 'UTC') - INTERVAL '1 month';

INSERT INTO usage_events SELECT * FROM usage_events_unpartitioned;
INSERT INTO usage_event_keys (organization_id, idempotency_key, occurred_at, event_id)
SELECT organization_id, idempotency_key, occurred_at, id FROM usage_events_unpartitioned;
DROP TABLE usage_events_unpartitioned;

-- meterdesk_settle as in 20261202222703_usage_rollups_and_drilldown; the commit's event takes its
-- idempotency key in usage_event_keys first.
CREATE OR REPLACE FUNCTION meterdesk_settle(
  p_org UUID, p_reservation UUID, p_commit BOOLEAN, p_qty BIGINT, p_new_status TEXT, p_now TIMESTAMPTZ,
  p_event_key TEXT, p_resource_type TEXT, p_resource_id TEXT, p_metadata JSONB, p_cost_micros BIGINT, p_price_micros BIGINT, p_currency TEXT
) RETURNS TABLE (status TEXT, committed_quantity BIGINT, event_id UUID)
LANGUAGE plpgsql AS $$
DECLARE
  r RECORD; v_actual BIGINT; v_refund BIGINT; v_from_overage BIGINT; v_credit_back BIGINT; v_draws JSONB := '[]'::JSONB;
  d JSONB; v_q BIGINT; v_event UUID;
BEGIN
  SELECT * INTO r FROM usage_reservations ur WHERE ur.organization_id = p_org AND ur.id = p_reservation FOR UPDATE;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'not_found'::TEXT, NULL::BIGINT, NULL::UUID; RETURN;
  END IF;
  IF r.status <> 'pending' THEN
    RETURN QUERY SELECT 'already_' || r.status::TEXT, r.committed_quantity, NULL::UUID; RETURN;
  END IF;
  IF p_commit AND r.expires_at <= p_now THEN
    p_commit := FALSE; p_new_status := 'expired';
  END IF;
  IF p_commit AND p_qty > r.quantity THEN
    RETURN QUERY SELECT 'commit_exceeds_reservation'::TEXT, r.quantity, NULL::UUID; RETURN;
  END IF;
  v_actual := CASE WHEN p_commit THEN coalesce(p_qty, r.quantity) ELSE 0 END;

  -- The event first: when its key already names another event, stop before anything moves. (Events
  -- before counters is also the order ingestion takes its locks in.)
  IF v_actual > 0 THEN
    INSERT INTO usage_event_keys (organization_id, idempotency_key, occurred_at, event_id)
    VALUES (p_org, coalesce(p_event_key, 'reservation:' || r.id::TEXT), p_now, gen_random_uuid())
    ON CONFLICT (organization_id, idempotency_key) DO NOTHING
    RETURNING usage_event_keys.event_id INTO v_event;
    IF v_event IS NULL THEN
      RETURN QUERY SELECT 'idempotency_key_in_use'::TEXT, NULL::BIGINT, NULL::UUID; RETURN;
    END IF;
    INSERT INTO usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
    VALUES (p_org, v_event, r.metric, v_actual, p_now, p_now, coalesce(p_event_key, 'reservation:' || r.id::TEXT), r.user_id, r.team_id, p_resource_type, p_resource_id, p_metadata, p_cost_micros, p_price_micros, p_currency, 'reservation', r.id);
  END IF;

  -- Counters in the order reservations lock them (user → team → organization), then credits.
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE r.user_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'user' AND c.scope_id = r.user_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE r.team_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'team' AND c.scope_id = r.team_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = r.metric AND c.period_start = r.period_start;

  -- The day's rollups, after the counters (the order ingestion takes its locks in too).
  IF v_actual > 0 THEN
    INSERT INTO usage_daily_rollups AS ro (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
    SELECT p_org, s.scope, s.scope_id, r.metric, (p_now AT TIME ZONE 'UTC')::DATE, v_actual, coalesce(p_cost_micros, 0), coalesce(p_price_micros, 0)
      FROM (VALUES ('organization'::"CounterScope", p_org), ('team'::"CounterScope", r.team_id), ('user'::"CounterScope", r.user_id)) s(scope, scope_id)
     WHERE s.scope_id IS NOT NULL
     ORDER BY CASE s.scope WHEN 'user' THEN 0 WHEN 'team' THEN 1 ELSE 2 END
    ON CONFLICT (organization_id, scope, scope_id, metric, day)
    DO UPDATE SET quantity = ro.quantity + excluded.quantity, cost_micros = ro.cost_micros + excluded.cost_micros, price_micros = ro.price_micros + excluded.price_micros;
  END IF;

  -- Give back what is not used: first the overage, then credits (last drawn first).
  v_refund := r.quantity - v_actual;
  v_from_overage := least(v_refund, r.overage_quantity);
  v_credit_back := v_refund - v_from_overage;
  FOR d IN SELECT value FROM jsonb_array_elements(r.credit_draws) WITH ORDINALITY e(value, i) ORDER BY i DESC LOOP
    EXIT WHEN v_credit_back <= 0;
    v_q := least((d->>'quantity')::BIGINT, v_credit_back);
    v_draws := v_draws || jsonb_build_object('grant', d->>'grant', 'quantity', v_q);
    v_credit_back := v_credit_back - v_q;
  END LOOP;
  PERFORM meterdesk_return_credits(p_org, v_draws);

  UPDATE usage_reservations SET status = p_new_status::"ReservationStatus", settled_at = p_now, committed_quantity = v_actual
   WHERE organization_id = p_org AND id = p_reservation;
  RETURN QUERY SELECT p_new_status, v_actual, v_event;
END $$;

-- meterdesk_record_campaign_outcomes as in 20261202223222_campaign_sending; each metered message takes
-- its idempotency key in usage_event_keys in the same statement as its event.
CREATE OR REPLACE FUNCTION meterdesk_record_campaign_outcomes(
  p_org UUID, p_campaign UUID, p_ids UUID[], p_status TEXT[], p_provider_ids TEXT[], p_errors TEXT[], p_not_before TIMESTAMPTZ[], p_now TIMESTAMPTZ
) RETURNS TABLE (id UUID, status TEXT)
LANGUAGE plpgsql AS $$
DECLARE
  c RECORD; r RECORD; v_new BIGINT := 0; v_cost BIGINT := 0; v_price BIGINT := 0; v_from BIGINT := 0; v_period TIMESTAMPTZ; v_user UUID; v_team UUID;
  v_day DATE := (p_now AT TIME ZONE 'UTC')::DATE; v_ids UUID[]; v_statuses TEXT[];
BEGIN
  SELECT * INTO c FROM campaigns WHERE organization_id = p_org AND campaigns.id = p_campaign;
  IF NOT FOUND THEN RETURN; END IF;
  -- One statement: the rows change, and the ones that went (or may have gone) become usage events.
  WITH input AS (
    SELECT * FROM unnest(p_ids, p_status, p_provider_ids, p_errors, p_not_before) AS i(id, status, provider_id, error, not_before)
  ), changed AS (
    UPDATE campaign_messages cm SET
      status = i.status,
      provider_message_id = coalesce(i.provider_id, cm.provider_message_id),
      error = CASE WHEN i.status = 'sent' THEN NULL ELSE i.error END,
      sent_at = CASE WHEN i.status = 'sent' THEN p_now ELSE cm.sent_at END,
      not_before = coalesce(i.not_before, cm.not_before),
      attempts = cm.attempts + CASE WHEN i.status = 'queued' THEN 1 ELSE 0 END,
      updated_at = p_now
      FROM input i
     WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.id = i.id
       AND (cm.status = 'sending' OR (cm.status = 'unknown' AND i.status = 'sent'))
    RETURNING cm.id, cm.status, cm.parts, cm.country, cm.estimated_cost_micros
  ), rates AS (
    -- What the provider charges per part for each destination (the rate card's cost line).
    SELECT k.country, coalesce((
      SELECT rc.cost_micros FROM rate_cards rc
       WHERE rc.channel = 'sms' AND rc.message_type = 'sms' AND rc.country IN (coalesce(k.country, '*'), '*')
         AND rc.effective_from <= p_now AND (rc.effective_to IS NULL OR rc.effective_to > p_now)
       ORDER BY (rc.country = '*'), rc.effective_from DESC LIMIT 1), 0) AS cost
      FROM (SELECT DISTINCT ch.country FROM changed ch) k
  ), metered AS MATERIALIZED (
    SELECT ch.id AS message_id, ch.parts, ch.country, ch.status AS outcome, ch.estimated_cost_micros, rt.cost, gen_random_uuid() AS event_id
      FROM changed ch JOIN rates rt ON rt.country IS NOT DISTINCT FROM ch.country
     WHERE ch.status IN ('sent', 'unknown') AND ch.parts > 0
  ), keyed AS (
    -- The key first (exact across the ledger's monthly partitions): only messages never metered go on.
    INSERT INTO usage_event_keys (organization_id, idempotency_key, occurred_at, event_id)
    SELECT p_org, 'campaign_message:' || m.message_id::TEXT, p_now, m.event_id FROM metered m
    ON CONFLICT (organization_id, idempotency_key) DO NOTHING
    RETURNING usage_event_keys.event_id
  ), ev AS (
    INSERT INTO usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
    SELECT p_org, m.event_id, 'sms_sent', m.parts, p_now, p_now, 'campaign_message:' || m.message_id::TEXT, c.owner_user_id, c.team_id, 'campaign', c.id::TEXT,
           jsonb_build_object('message', m.message_id, 'country', m.country, 'outcome', m.outcome), m.parts * m.cost, m.estimated_cost_micros, c.currency, 'campaign', c.reservation_id
      FROM metered m JOIN keyed k ON k.event_id = m.event_id
    RETURNING quantity, cost_micros, price_micros
  )
  SELECT (SELECT coalesce(sum(ev.quantity), 0) FROM ev), (SELECT coalesce(sum(ev.cost_micros), 0) FROM ev), (SELECT coalesce(sum(ev.price_micros), 0) FROM ev),
         (SELECT array_agg(ch.id) FROM changed ch), (SELECT array_agg(ch.status) FROM changed ch)
    INTO v_new, v_cost, v_price, v_ids, v_statuses;

  IF v_new > 0 THEN
    SELECT * INTO r FROM usage_reservations ur WHERE ur.organization_id = p_org AND ur.id = c.reservation_id FOR UPDATE;
    IF FOUND THEN
      v_period := r.period_start; v_user := r.user_id; v_team := r.team_id;
      IF r.status = 'pending' THEN
        v_from := least(v_new, r.quantity);
        UPDATE usage_reservations SET quantity = quantity - v_from, committed_quantity = coalesce(committed_quantity, 0) + v_from
         WHERE organization_id = p_org AND usage_reservations.id = r.id;
      END IF;
    ELSE
      SELECT meterdesk_period_start(s.billing_anchor, p_now) INTO v_period FROM organizations o LEFT JOIN subscriptions s ON s.organization_id = o.id WHERE o.id = p_org;
      v_user := c.owner_user_id; v_team := c.team_id;
    END IF;
    -- Counters in the order reservations lock them (user → team → organization).
    IF v_user IS NOT NULL THEN
      INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'user', v_user, 'sms_sent', v_period) ON CONFLICT DO NOTHING;
      UPDATE usage_counters uc SET reserved = uc.reserved - v_from, used = uc.used + v_new, updated_at = p_now
       WHERE uc.organization_id = p_org AND uc.scope = 'user' AND uc.scope_id = v_user AND uc.metric = 'sms_sent' AND uc.period_start = v_period;
    END IF;
    IF v_team IS NOT NULL THEN
      INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'team', v_team, 'sms_sent', v_period) ON CONFLICT DO NOTHING;
      UPDATE usage_counters uc SET reserved = uc.reserved - v_from, used = uc.used + v_new, updated_at = p_now
       WHERE uc.organization_id = p_org AND uc.scope = 'team' AND uc.scope_id = v_team AND uc.metric = 'sms_sent' AND uc.period_start = v_period;
    END IF;
    INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'organization', p_org, 'sms_sent', v_period) ON CONFLICT DO NOTHING;
    UPDATE usage_counters uc SET reserved = uc.reserved - v_from, used = uc.used + v_new, updated_at = p_now
     WHERE uc.organization_id = p_org AND uc.scope = 'organization' AND uc.scope_id = p_org AND uc.metric = 'sms_sent' AND uc.period_start = v_period;
    -- Daily rollups, in the same transaction as the ledger and the counters (events → counters → rollups),
    -- attributed like the events (the campaign's owner and team).
    INSERT INTO usage_daily_rollups AS d (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
    SELECT p_org, s.scope::"CounterScope", s.scope_id, 'sms_sent', v_day, v_new, v_cost, v_price
      FROM (VALUES ('user', c.owner_user_id, 1), ('team', c.team_id, 2), ('organization', p_org, 3)) AS s(scope, scope_id, k)
     WHERE s.scope_id IS NOT NULL ORDER BY s.k
    ON CONFLICT (organization_id, scope, scope_id, metric, day) DO UPDATE
      SET quantity = d.quantity + EXCLUDED.quantity, cost_micros = d.cost_micros + EXCLUDED.cost_micros, price_micros = d.price_micros + EXCLUDED.price_micros;
  END IF;
  RETURN QUERY SELECT u.id, u.status FROM unnest(v_ids, v_statuses) AS u(id, status);
END $$;
