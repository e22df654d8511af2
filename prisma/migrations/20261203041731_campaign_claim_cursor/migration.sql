-- DropIndex
DROP INDEX "campaign_messages_organization_id_campaign_id_status_not_be_idx";

-- CreateIndex
CREATE INDEX "campaign_messages_organization_id_campaign_id_status_not_be_idx" ON "campaign_messages"("organization_id", "campaign_id", "status", "not_before", "id");

-- Claims that stay cheap as a campaign progresses (issue 10 benchmark). Every claimed row leaves a
-- dead entry in the `queued` range of the index until vacuum, so a claim that always starts at the
-- beginning of that range walks over everything claimed before it (a 100,000-message campaign got
-- slower with every batch). The claim now takes a cursor, the (not_before, id) of the last row its
-- caller examined, and scans from there; it returns the next cursor (kind 'cursor'). The cursor
-- only saves work: a caller that finds nothing after its cursor asks again without one before it
-- calls the campaign idle, so a row passed over (locked by another process's claim that then left
-- it queued) is found again. Also:
-- - candidates are classified first (opted out → skipped_opt_out, quiet hours → held or skipped,
--   the rest sendable, each written in one statement per kind), and only then the sender's token
--   bucket is locked, so the bucket row is held for the last statement of the claim only;
-- - kind 'cursor' carries the cursor: id and cursor_at.
DROP FUNCTION meterdesk_claim_campaign_messages(UUID, UUID, TIMESTAMPTZ, INT);

CREATE FUNCTION meterdesk_claim_campaign_messages(p_org UUID, p_campaign UUID, p_now TIMESTAMPTZ, p_max INT, p_after_at TIMESTAMPTZ DEFAULT NULL, p_after_id UUID DEFAULT NULL)
RETURNS TABLE (kind TEXT, id UUID, phone TEXT, parts INT, attempts INT, detail TEXT, wait_ms INT, cursor_at TIMESTAMPTZ)
LANGUAGE plpgsql AS $$
DECLARE
  c RECORD; v_res_status TEXT; v_rate DOUBLE PRECISION; v_start INT; v_end INT; v_tokens DOUBLE PRECISION; v_at TIMESTAMPTZ;
  v_avail DOUBLE PRECISION; v_used DOUBLE PRECISION := 0; m RECORD; v_release TIMESTAMPTZ; v_need DOUBLE PRECISION; i INT;
  v_ids UUID[] := ARRAY[]::UUID[]; v_parts INT[] := ARRAY[]::INT[]; v_prev_at TIMESTAMPTZ[] := ARRAY[]::TIMESTAMPTZ[]; v_prev_id UUID[] := ARRAY[]::UUID[];
  v_hold_at TIMESTAMPTZ[] := ARRAY[]::TIMESTAMPTZ[];
  v_claim TID[] := ARRAY[]::TID[]; v_tids TID[] := ARRAY[]::TID[]; v_skip_t TID[] := ARRAY[]::TID[]; v_quiet_t TID[] := ARRAY[]::TID[]; v_hold_t TID[] := ARRAY[]::TID[]; v_last_at TIMESTAMPTZ := p_after_at; v_last_id UUID := p_after_id; v_cur_at TIMESTAMPTZ; v_cur_id UUID; v_cut BOOLEAN := FALSE;
  v_next TIMESTAMPTZ; v_wait INT := NULL; v_cand INT := 0;
BEGIN
  SELECT * INTO c FROM campaigns WHERE organization_id = p_org AND campaigns.id = p_campaign FOR SHARE;
  IF NOT FOUND THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'not_found'::TEXT, NULL::INT, NULL::TIMESTAMPTZ; RETURN; END IF;
  IF c.status <> 'sending' THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, c.status, NULL::INT, NULL::TIMESTAMPTZ; RETURN; END IF;
  -- Read, not locked: outcome recording locks the reservation, and claims must not queue behind it.
  SELECT ur.status::TEXT INTO v_res_status FROM usage_reservations ur WHERE ur.organization_id = p_org AND ur.id = c.reservation_id;
  IF v_res_status IS DISTINCT FROM 'pending' THEN
    RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'reservation_lost'::TEXT, NULL::INT, NULL::TIMESTAMPTZ; RETURN;
  END IF;
  SELECT ch.parts_per_second, ch.quiet_hours_start, ch.quiet_hours_end INTO v_rate, v_start, v_end FROM sms_channels ch WHERE ch.organization_id = p_org;
  IF NOT FOUND THEN RETURN QUERY SELECT 'state'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, 'no_channel'::TEXT, NULL::INT, NULL::TIMESTAMPTZ; RETURN; END IF;
  v_rate := greatest(v_rate, 1);

  -- 1. Candidates, locked (other processes take other rows), from the cursor on, classified.
  FOR m IN SELECT cm.ctid AS tid, cm.id, cm.phone, cm.parts, cm.not_before, cm.time_zones,
                  (EXISTS (SELECT 1 FROM sms_opt_outs o WHERE o.organization_id = p_org AND o.phone = cm.phone)
                   OR EXISTS (SELECT 1 FROM contacts ct WHERE ct.organization_id = p_org AND ct.id = cm.contact_id AND (ct.opt_out_sms OR NOT ct.consent_sms))) AS opted_out
             FROM campaign_messages cm
            WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.status = 'queued' AND cm.not_before <= p_now
              AND (cm.not_before, cm.id) > (coalesce(p_after_at, '-infinity'::TIMESTAMPTZ), coalesce(p_after_id, '00000000-0000-0000-0000-000000000000'::UUID))
            ORDER BY cm.not_before, cm.id LIMIT p_max FOR UPDATE OF cm SKIP LOCKED LOOP
    v_cand := v_cand + 1;
    IF m.opted_out THEN
      -- Opted out since planning (a STOP reply, the provider's list, a consent change): never sent.
      v_skip_t := v_skip_t || m.tid;
    ELSE
      v_release := CASE WHEN c.sms_type = 'Promotional' THEN meterdesk_quiet_release(m.time_zones, p_now, v_start, v_end) END;
      IF v_release IS NOT NULL AND c.quiet_hours_action = 'skip' THEN
        v_quiet_t := v_quiet_t || m.tid;
      ELSIF v_release IS NOT NULL THEN
        v_hold_t := v_hold_t || m.tid;
        v_hold_at := v_hold_at || v_release;
      ELSE
        v_ids := v_ids || m.id;
        v_tids := v_tids || m.tid;
        v_parts := v_parts || m.parts;
        v_prev_at := v_prev_at || v_last_at;
        v_prev_id := v_prev_id || v_last_id;
      END IF;
    END IF;
    v_last_at := m.not_before;
    v_last_id := m.id;
  END LOOP;
  v_cur_at := v_last_at;
  v_cur_id := v_last_id;

  -- The rows are locked by this transaction, so their ctid stands until it ends: updating by ctid
  -- is a TID scan whatever the planner believes about the table (statistics taken before a large
  -- launch made it scan the whole campaign for each claim).
  IF cardinality(v_skip_t) > 0 THEN
    UPDATE campaign_messages SET status = 'skipped_opt_out', error = 'Opted out before sending', updated_at = p_now
     WHERE ctid = ANY (v_skip_t) AND organization_id = p_org AND campaign_id = p_campaign;
  END IF;
  IF cardinality(v_quiet_t) > 0 THEN
    UPDATE campaign_messages SET status = 'skipped_quiet_hours', updated_at = p_now
     WHERE ctid = ANY (v_quiet_t) AND organization_id = p_org AND campaign_id = p_campaign;
  END IF;
  IF cardinality(v_hold_t) > 0 THEN
    FOR i IN 1 .. cardinality(v_hold_t) LOOP
      UPDATE campaign_messages SET not_before = v_hold_at[i], updated_at = p_now
       WHERE ctid = v_hold_t[i] AND organization_id = p_org AND campaign_id = p_campaign;
    END LOOP;
  END IF;

  -- 2. The sender's token bucket, locked only now: the rest of the claim is one statement.
  IF cardinality(v_ids) > 0 THEN
    SELECT b.tokens, b.updated_at INTO v_tokens, v_at FROM sms_send_buckets b WHERE b.organization_id = p_org FOR UPDATE;
    IF NOT FOUND THEN
      INSERT INTO sms_send_buckets (organization_id, tokens, updated_at) VALUES (p_org, v_rate, p_now) ON CONFLICT DO NOTHING;
      SELECT b.tokens, b.updated_at INTO v_tokens, v_at FROM sms_send_buckets b WHERE b.organization_id = p_org FOR UPDATE;
    END IF;
    -- Capacity: one second of the sender's rate (no bursts past what the sender allows).
    v_avail := least(v_rate, v_tokens + greatest(0, extract(epoch FROM (p_now - v_at))) * v_rate);
    FOR i IN 1 .. cardinality(v_ids) LOOP
      -- A message longer than the bucket's capacity goes when the bucket is full.
      v_need := least(v_parts[i], v_rate);
      IF v_avail - v_used < v_need THEN
        v_wait := ceil(1000 * (v_need - (v_avail - v_used)) / v_rate)::INT;
        -- The next claim resumes just before the first row left queued.
        v_cur_at := v_prev_at[i];
        v_cur_id := v_prev_id[i];
        EXIT;
      END IF;
      v_used := v_used + v_parts[i];
      v_claim := v_claim || v_tids[i];
    END LOOP;
    UPDATE sms_send_buckets SET tokens = v_avail - v_used, updated_at = greatest(p_now, v_at) WHERE organization_id = p_org;
  END IF;

  IF cardinality(v_claim) > 0 THEN
    RETURN QUERY
      UPDATE campaign_messages cm SET status = 'sending', sending_at = p_now, updated_at = p_now
       WHERE cm.ctid = ANY (v_claim) AND cm.organization_id = p_org AND cm.campaign_id = p_campaign
      RETURNING 'send'::TEXT, cm.id, cm.phone, cm.parts, cm.attempts, NULL::TEXT, NULL::INT, NULL::TIMESTAMPTZ;
  END IF;
  IF v_cand > 0 THEN
    RETURN QUERY SELECT 'cursor'::TEXT, v_cur_id, NULL::TEXT, NULL::INT, NULL::INT, NULL::TEXT, NULL::INT, v_cur_at;
  END IF;
  IF v_wait IS NOT NULL THEN
    RETURN QUERY SELECT 'wait'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, NULL::TEXT, v_wait, NULL::TIMESTAMPTZ;
  ELSIF v_cand = 0 THEN
    SELECT min(cm.not_before) INTO v_next FROM campaign_messages cm WHERE cm.organization_id = p_org AND cm.campaign_id = p_campaign AND cm.status = 'queued';
    RETURN QUERY SELECT 'idle'::TEXT, NULL::UUID, NULL::TEXT, NULL::INT, NULL::INT, NULL::TEXT,
      CASE WHEN v_next IS NULL THEN NULL ELSE greatest(0, ceil(extract(epoch FROM (v_next - p_now)) * 1000))::INT END, NULL::TIMESTAMPTZ;
  END IF;
END $$;
