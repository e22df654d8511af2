-- AlterTable
ALTER TABLE "campaign_messages" ADD COLUMN     "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "reviewed_at" TIMESTAMPTZ(3),
ADD COLUMN     "reviewed_by_id" UUID,
ADD COLUMN     "time_zones" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "campaigns" ADD COLUMN     "quiet_hours_action" TEXT NOT NULL DEFAULT 'hold',
ADD COLUMN     "status_reason" TEXT;

-- CreateTable
CREATE TABLE "sms_send_buckets" (
    "organization_id" UUID NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "sms_send_buckets_pkey" PRIMARY KEY ("organization_id")
);

-- The claim's index (status, then not_before) also serves every lookup the old one did.
DROP INDEX "campaign_messages_organization_id_campaign_id_status_idx";

-- CreateIndex
CREATE INDEX "campaign_messages_organization_id_campaign_id_status_not_be_idx" ON "campaign_messages"("organization_id", "campaign_id", "status", "not_before");

-- Campaign sending (issue 10). The functions below are the engine's only writes on the hot path:
-- one round trip to claim a batch, one to record its outcomes.

-- Quiet hours. NULL when the number may receive marketing at p_at in every one of its zones (local
-- hour inside [p_end, p_start), e.g. 08:00-21:00); otherwise the earliest instant among the zones'
-- next window openings at which every zone is inside the window (or the latest opening when no
-- single one suits them all; the claim checks again then).
CREATE FUNCTION meterdesk_quiet_release(p_zones TEXT[], p_at TIMESTAMPTZ, p_start INT, p_end INT) RETURNS TIMESTAMPTZ
LANGUAGE plpgsql STABLE AS $$
DECLARE
  z TEXT; v_local TIMESTAMP; v_open TIMESTAMPTZ; v_best TIMESTAMPTZ; v_latest TIMESTAMPTZ; v_ok BOOLEAN; z2 TEXT; h INT;
  v_candidates TIMESTAMPTZ[] := ARRAY[]::TIMESTAMPTZ[];
  c TIMESTAMPTZ;
BEGIN
  IF p_start = p_end OR p_zones IS NULL OR cardinality(p_zones) = 0 THEN RETURN NULL; END IF;
  v_ok := TRUE;
  FOREACH z IN ARRAY p_zones LOOP
    h := extract(hour FROM (p_at AT TIME ZONE z))::INT;
    IF (p_start > p_end AND (h >= p_start OR h < p_end)) OR (p_start < p_end AND h >= p_start AND h < p_end) THEN
      v_ok := FALSE;
    END IF;
  END LOOP;
  IF v_ok THEN RETURN NULL; END IF;
  FOREACH z IN ARRAY p_zones LOOP
    v_local := date_trunc('day', p_at AT TIME ZONE z) + make_interval(hours => p_end);
    v_open := v_local AT TIME ZONE z;
    IF v_open <= p_at THEN v_open := (v_local + interval '1 day') AT TIME ZONE z; END IF;
    v_candidates := v_candidates || v_open;
  END LOOP;
  FOREACH c IN ARRAY v_candidates LOOP
    v_latest := greatest(v_latest, c);
    v_ok := TRUE;
    FOREACH z2 IN ARRAY p_zones LOOP
      h := extract(hour FROM (c AT TIME ZONE z2))::INT;
      IF (p_start > p_end AND (h >= p_start OR h < p_end)) OR (p_start < p_end AND h >= p_start AND h < p_end) THEN
        v_ok := FALSE;
      END IF;
    END LOOP;
    IF v_ok AND (v_best IS NULL OR c < v_best) THEN v_best := c; END IF;
  END LOOP;
  RETURN coalesce(v_best, v_latest);
END $$;

-- Claims up to p_max due messages of one sending campaign for this process to send, in one
-- transaction: the campaign row is share-locked (pause and cancel wait for it, so nothing is claimed
-- after they return), the reservation's state read, candidate
-- rows locked with SKIP LOCKED (other workers take other rows). Among the candidates: opted-out
-- numbers become skipped_opt_out, promotional ones now in quiet hours are held (or skipped),
-- and the rest are claimed in order while the sender's token bucket has parts for them; those are
-- marked `sending` (committed before any provider call: at most once). Rows:
--   kind 'send'   id, phone, parts: send these
--   kind 'state'  detail = the campaign's status when it is not sending, 'reservation_lost', 'no_channel'
--   kind 'wait'   wait_ms: the bucket is empty for the next message
--   kind 'idle'   wait_ms: nothing due now (NULL: nothing queued at all)
CREATE FUNCTION meterdesk_claim_campaign_messages(p_org UUID, p_campaign UUID, p_now TIMESTAMPTZ, p_max INT)
RETURNS TABLE (kind TEXT, id UUID, phone TEXT, parts INT, attempts INT, detail TEXT, wait_ms INT)
LANGUAGE plpgsql AS $$
DECLARE
  c RECORD; v_res_status TEXT; v_rate DOUBLE PRECISION; v_start INT; v_end INT; v_tokens DOUBLE PRECISION; v_at TIMESTAMPTZ;
  v_avail DOUBLE PRECISION; v_used DOUBLE PRECISION := 0; m RECORD; v_release TIMESTAMPTZ; v_claim UUID[] := ARRAY[]::UUID[];
  v_next TIMESTAMPTZ; v_wait INT := NULL; v_cand INT := 0;
BEGIN
  SELECT * INTO c FROM campaigns WHERE organization_id = p_org AND campaigns.id = p_campaign FOR SHARE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'not_found'::TEXT, NULL::INT; RETURN; END IF;
  IF c.status <> 'sending' THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, c.status, NULL::INT; RETURN; END IF;
  -- Read, not locked: outcome recording locks the reservation, and claims must not queue behind it.
  -- (A reservation released between this read and the outcomes is handled there: used += n only.)
  SELECT ur.status::TEXT INTO v_res_status FROM usage_reservations ur WHERE ur.organization_id = p_org AND ur.id = c.reservation_id;
  IF v_res_status IS DISTINCT FROM 'pending' THEN
    RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'reservation_lost'::TEXT, NULL::INT; RETURN;
  END IF;
  SELECT ch.parts_per_second, ch.quiet_hours_start, ch.quiet_hours_end INTO v_rate, v_start, v_end FROM sms_channels ch WHERE ch.organization_id = p_org;
  IF NOT FOUND THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'no_channel'::TEXT, NULL::INT; RETURN; END IF;
  v_rate := greatest(v_rate, 1);

  INSERT INTO sms_send_buckets (organization_id, tokens, updated_at) VALUES (p_org, v_rate, p_now) ON CONFLICT DO NOTHING;
  SELECT b.tokens, b.updated_at INTO v_tokens, v_at FROM sms_send_buckets b WHERE b.organization_id = p_org FOR UPDATE;
  -- Capacity: one second of the sender's rate (no bursts past what the sender allows).
  v_avail := least(v_rate, v_tokens + greatest(0, extract(epoch FROM (p_now - v_at))) * v_rate);

  FOR m IN SELECT cm.id, cm.phone, cm.parts, cm.attempts, cm.contact_id, cm.time_zones FROM campaign_messages cm
            WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.status = 'queued' AND cm.not_before <= p_now
            ORDER BY cm.not_before LIMIT p_max FOR UPDATE SKIP LOCKED LOOP
    v_cand := v_cand + 1;
    -- Opted out since planning (a STOP reply, the provider's list, a consent change): never sent.
    IF EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.organization_id = p_org AND o.phone = m.phone)
       OR EXISTS (SELECT 1 FROM contacts ct WHERE ct.organization_id = p_org AND ct.id = m.contact_id AND (ct.opt_out_sms OR NOT ct.consent_sms)) THEN
      UPDATE campaign_messages SET status = 'skipped_opt_out', error = 'Opted out before sending', updated_at = p_now
       WHERE organization_id = p_org AND campaign_id = p_campaign AND campaign_messages.id = m.id;
      CONTINUE;
    END IF;
    IF c.sms_type = 'Promotional' THEN
      v_release := meterdesk_quiet_release(m.time_zones, p_now, v_start, v_end);
      IF v_release IS NOT NULL THEN
        IF c.quiet_hours_action = 'skip' THEN
          UPDATE campaign_messages SET status = 'skipped_quiet_hours', updated_at = p_now
           WHERE organization_id = p_org AND campaign_id = p_campaign AND campaign_messages.id = m.id;
        ELSE
          UPDATE campaign_messages SET not_before = v_release, updated_at = p_now
           WHERE organization_id = p_org AND campaign_id = p_campaign AND campaign_messages.id = m.id;
        END IF;
        CONTINUE;
      END IF;
    END IF;
    -- A message longer than the bucket's capacity goes when the bucket is full.
    IF v_avail - v_used < least(m.parts, v_rate) THEN
      v_wait := ceil(1000 * (least(m.parts, v_rate) - (v_avail - v_used)) / v_rate)::INT;
      EXIT;
    END IF;
    v_used := v_used + m.parts;
    v_claim := v_claim || m.id;
  END LOOP;

  UPDATE sms_send_buckets SET tokens = v_avail - v_used, updated_at = greatest(p_now, v_at) WHERE organization_id = p_org;
  IF cardinality(v_claim) > 0 THEN
    RETURN QUERY
      UPDATE campaign_messages cm SET status = 'sending', sending_at = p_now, updated_at = p_now
       WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.id = ANY (v_claim)
      RETURNING 'send'::TEXT, cm.id, cm.phone, cm.parts, cm.attempts, NULL::TEXT, NULL::INT;
  END IF;
  IF v_wait IS NOT NULL THEN
    RETURN QUERY SELECT 'wait'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, NULL::TEXT, v_wait;
  ELSIF cardinality(v_claim) = 0 AND v_cand = 0 THEN
    SELECT min(cm.not_before) INTO v_next FROM campaign_messages cm WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.status = 'queued';
    RETURN QUERY SELECT 'idle'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, NULL::TEXT,
      CASE WHEN v_next IS NULL THEN NULL ELSE greatest(0, ceil(extract(epoch FROM (v_next - p_now)) * 1000))::INT END;
  END IF;
END $$;

-- Records what happened to claimed messages, and meters what went (or may have gone) out, in one
-- transaction. Transitions: sending → sent | failed | queued (retry, not sent) | unknown |
-- skipped_opt_out; unknown → sent (a late answer, or a reviewer). Each message that became sent or
-- unknown for the first time is one usage event (key campaign_message:<id>, its parts, cost and
-- price) — a retry or a second worker never counts it twice — and its parts move from the campaign's
-- reservation into usage: counters `reserved -= n, used += n` for the reservation's user, team and
-- organization, and the reservation's quantity shrinks by what it covered. (Past the reservation,
-- e.g. a review after the campaign ended, the usage is recorded as it happened: used += n.)
CREATE FUNCTION meterdesk_record_campaign_outcomes(
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
  ), ev AS (
    INSERT INTO usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
    SELECT p_org, gen_random_uuid(), 'sms_sent', ch.parts, p_now, p_now, 'campaign_message:' || ch.id::TEXT, c.owner_user_id, c.team_id, 'campaign', c.id::TEXT,
           jsonb_build_object('message', ch.id, 'country', ch.country, 'outcome', ch.status), ch.parts * rt.cost, ch.estimated_cost_micros, c.currency, 'campaign', c.reservation_id
      FROM changed ch JOIN rates rt ON rt.country IS NOT DISTINCT FROM ch.country
     WHERE ch.status IN ('sent', 'unknown') AND ch.parts > 0
    ON CONFLICT (organization_id, idempotency_key) DO NOTHING
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

-- Gives back what is left of a campaign's reservation once nothing of it can be sent any more
-- (the campaign completed or was cancelled and no message is in flight): the counters' `reserved`
-- drops by the rest, overage first then prepaid credits are returned (as meterdesk_settle does), and
-- the reservation is settled: committed with what its messages used, or released when none went.
CREATE FUNCTION meterdesk_release_campaign_reservation(p_org UUID, p_reservation UUID, p_now TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
  r RECORD; v_rest BIGINT; v_from_overage BIGINT; v_credit_back BIGINT; v_draws JSONB := '[]'::JSONB; d JSONB; v_q BIGINT; v_committed BIGINT;
BEGIN
  SELECT * INTO r FROM usage_reservations ur WHERE ur.organization_id = p_org AND ur.id = p_reservation FOR UPDATE;
  IF NOT FOUND OR r.status <> 'pending' THEN RETURN 0; END IF;
  v_rest := r.quantity;
  v_committed := coalesce(r.committed_quantity, 0);
  UPDATE usage_counters c SET reserved = c.reserved - v_rest, updated_at = p_now
   WHERE r.user_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'user' AND c.scope_id = r.user_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - v_rest, updated_at = p_now
   WHERE r.team_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'team' AND c.scope_id = r.team_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - v_rest, updated_at = p_now
   WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = r.metric AND c.period_start = r.period_start;
  v_from_overage := least(v_rest, r.overage_quantity);
  v_credit_back := v_rest - v_from_overage;
  FOR d IN SELECT value FROM jsonb_array_elements(r.credit_draws) WITH ORDINALITY e(value, i) ORDER BY i DESC LOOP
    EXIT WHEN v_credit_back <= 0;
    v_q := least((d->>'quantity')::BIGINT, v_credit_back);
    v_draws := v_draws || jsonb_build_object('grant', d->>'grant', 'quantity', v_q);
    v_credit_back := v_credit_back - v_q;
  END LOOP;
  PERFORM meterdesk_return_credits(p_org, v_draws);
  -- quantity back to the whole reserved amount, as a settled reservation reads (committed + returned).
  UPDATE usage_reservations SET status = (CASE WHEN v_committed > 0 THEN 'committed' ELSE 'released' END)::"ReservationStatus",
         quantity = v_committed + v_rest, committed_quantity = v_committed, settled_at = p_now
   WHERE organization_id = p_org AND id = p_reservation;
  RETURN v_rest;
END $$;
