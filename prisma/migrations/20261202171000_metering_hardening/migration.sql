-- Metering hardening (issue 7). Existing migrations are immutable: the functions are replaced here.

-- meterdesk_reserve_batch, as before, and: an item whose user is not a member of the organization,
-- or whose team is not one of its teams, gets status 'invalid_user' / 'invalid_team' and changes
-- nothing (resolved in the same round trip, so the hot path keeps one call per batch).
CREATE OR REPLACE FUNCTION meterdesk_reserve_batch(
  p_org UUID, p_metric TEXT, p_qtys BIGINT[], p_users UUID[], p_teams UUID[], p_ids UUID[], p_expires_at TIMESTAMPTZ[], p_now TIMESTAMPTZ
) RETURNS TABLE (idx INT, status TEXT, blocked_scope TEXT, scope_limit BIGINT, scope_remaining BIGINT, period_start TIMESTAMPTZ, credit_quantity BIGINT, overage_quantity BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  n INT := coalesce(array_length(p_ids, 1), 0);
  v_plan TEXT; v_status TEXT; v_anchor TIMESTAMPTZ; v_suspended TIMESTAMPTZ; v_block TEXT; v_policy TEXT; v_period TIMESTAMPTZ;
  v_org_limit BIGINT; v_metered BOOLEAN;
  v_limit BIGINT; v_used BIGINT; v_reserved BIGINT; v_over BIGINT; v_need BIGINT; v_take BIGINT; v_credit BIGINT; v_draws JSONB;
  s_status TEXT[] := array_fill(NULL::TEXT, ARRAY[n]);
  s_scope TEXT[] := array_fill(NULL::TEXT, ARRAY[n]);
  s_limit BIGINT[] := array_fill(NULL::BIGINT, ARRAY[n]);
  s_remaining BIGINT[] := array_fill(NULL::BIGINT, ARRAY[n]);
  s_user_done BOOLEAN[] := array_fill(FALSE, ARRAY[n]);
  s_team_done BOOLEAN[] := array_fill(FALSE, ARRAY[n]);
  s_credit BIGINT[] := array_fill(0::BIGINT, ARRAY[n]);
  s_overage BIGINT[] := array_fill(0::BIGINT, ARRAY[n]);
  s_draws JSONB[] := array_fill('[]'::JSONB, ARRAY[n]);
  i INT;
  g RECORD;
BEGIN
  IF n = 0 THEN
    RETURN;
  END IF;
  -- Attribution must point inside this organization: an item naming another tenant's user or team
  -- is refused before it touches a counter, and never recorded. Skipped when no item names one.
  IF EXISTS (SELECT 1 FROM unnest(p_users) u(id) WHERE u.id IS NOT NULL) THEN
    FOR i IN SELECT u.k FROM unnest(p_users) WITH ORDINALITY u(id, k)
              WHERE u.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.organization_id = p_org AND m.user_id = u.id) LOOP
      s_status[i] := 'invalid_user';
    END LOOP;
  END IF;
  IF EXISTS (SELECT 1 FROM unnest(p_teams) t(id) WHERE t.id IS NOT NULL) THEN
    FOR i IN SELECT t.k FROM unnest(p_teams) WITH ORDINALITY t(id, k)
              WHERE t.id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM teams tm WHERE tm.organization_id = p_org AND tm.id = t.id) LOOP
      s_status[i] := coalesce(s_status[i], 'invalid_team');
    END LOOP;
  END IF;
  SELECT coalesce(s.plan_key, 'free'), coalesce(s.status::TEXT, 'active'), s.billing_anchor, o.suspended_at
    INTO v_plan, v_status, v_anchor, v_suspended
    FROM organizations o LEFT JOIN subscriptions s ON s.organization_id = o.id WHERE o.id = p_org;
  v_block := CASE WHEN v_plan IS NULL THEN 'organization_not_found' WHEN v_suspended IS NOT NULL THEN 'suspended'
                  WHEN v_status IN ('past_due', 'unpaid', 'canceled') THEN v_status END;
  IF v_block IS NOT NULL THEN
    RETURN QUERY SELECT k::INT, coalesce(s_status[k], 'blocked'), CASE WHEN s_status[k] IS NULL THEN v_block END, NULL::BIGINT, NULL::BIGINT, NULL::TIMESTAMPTZ, 0::BIGINT, 0::BIGINT FROM generate_series(1, n) k;
    RETURN;
  END IF;
  SELECT p.overage_policy::TEXT INTO v_policy FROM plans p WHERE p.key = v_plan;
  v_policy := coalesce(v_policy, 'hard_cap');
  v_period := meterdesk_period_start(v_anchor, p_now);

  -- 1. Per-user limits.
  FOR i IN SELECT u.k FROM unnest(p_users) WITH ORDINALITY u(id, k) WHERE u.id IS NOT NULL ORDER BY u.id, u.k LOOP
    CONTINUE WHEN s_status[i] IS NOT NULL;
    SELECT l."limit" INTO v_limit FROM user_limits l WHERE l.organization_id = p_org AND l.user_id = p_users[i] AND l.metric = p_metric;
    INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'user', p_users[i], p_metric, v_period) ON CONFLICT DO NOTHING;
    UPDATE usage_counters c SET reserved = c.reserved + p_qtys[i], updated_at = p_now
     WHERE c.organization_id = p_org AND c.scope = 'user' AND c.scope_id = p_users[i] AND c.metric = p_metric AND c.period_start = v_period
       AND (v_limit IS NULL OR c.used + c.reserved + p_qtys[i] <= v_limit)
     RETURNING c.used INTO v_used;
    IF FOUND THEN
      s_user_done[i] := TRUE;
    ELSE
      SELECT c.used + c.reserved INTO v_used FROM usage_counters c
       WHERE c.organization_id = p_org AND c.scope = 'user' AND c.scope_id = p_users[i] AND c.metric = p_metric AND c.period_start = v_period;
      s_status[i] := 'blocked'; s_scope[i] := 'user'; s_limit[i] := v_limit; s_remaining[i] := greatest(0, v_limit - v_used);
    END IF;
  END LOOP;

  -- 2. Team budgets.
  FOR i IN SELECT t.k FROM unnest(p_teams) WITH ORDINALITY t(id, k) WHERE t.id IS NOT NULL ORDER BY t.id, t.k LOOP
    CONTINUE WHEN s_status[i] IS NOT NULL;
    SELECT b."limit" INTO v_limit FROM team_budgets b WHERE b.organization_id = p_org AND b.team_id = p_teams[i] AND b.metric = p_metric;
    INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'team', p_teams[i], p_metric, v_period) ON CONFLICT DO NOTHING;
    UPDATE usage_counters c SET reserved = c.reserved + p_qtys[i], updated_at = p_now
     WHERE c.organization_id = p_org AND c.scope = 'team' AND c.scope_id = p_teams[i] AND c.metric = p_metric AND c.period_start = v_period
       AND (v_limit IS NULL OR c.used + c.reserved + p_qtys[i] <= v_limit)
     RETURNING c.used INTO v_used;
    IF FOUND THEN
      s_team_done[i] := TRUE;
    ELSE
      SELECT c.used + c.reserved INTO v_used FROM usage_counters c
       WHERE c.organization_id = p_org AND c.scope = 'team' AND c.scope_id = p_teams[i] AND c.metric = p_metric AND c.period_start = v_period;
      s_status[i] := 'blocked'; s_scope[i] := 'team'; s_limit[i] := v_limit; s_remaining[i] := greatest(0, v_limit - v_used);
    END IF;
  END LOOP;

  -- 3. The organization's quota (override or plan), then prepaid credits, then the overage policy.
  -- Skipped when every item was already refused, so a refused batch creates no counter row.
  IF array_position(s_status, NULL) IS NOT NULL THEN
    SELECT l.lim, l.metered INTO v_org_limit, v_metered FROM meterdesk_org_limit(p_org, v_plan, p_metric, p_now) l;
    INSERT INTO usage_counters (organization_id, scope, scope_id, metric, period_start) VALUES (p_org, 'organization', p_org, p_metric, v_period) ON CONFLICT DO NOTHING;
    FOR i IN 1 .. n LOOP
      CONTINUE WHEN s_status[i] IS NOT NULL;
      IF v_metered AND v_org_limit IS NOT NULL AND v_policy = 'hard_cap' AND NOT EXISTS (
           SELECT 1 FROM credit_grants cg WHERE cg.organization_id = p_org AND cg.metric = p_metric AND cg.remaining > 0 AND (cg.expires_at IS NULL OR cg.expires_at > p_now)) THEN
        -- The common hard-cap case: one conditional update decides.
        UPDATE usage_counters c SET reserved = c.reserved + p_qtys[i], updated_at = p_now
         WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = p_metric AND c.period_start = v_period
           AND c.used + c.reserved + p_qtys[i] <= v_org_limit
         RETURNING c.used, c.reserved INTO v_used, v_reserved;
        IF NOT FOUND THEN
          SELECT c.used + c.reserved INTO v_used FROM usage_counters c
           WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = p_metric AND c.period_start = v_period;
          s_status[i] := 'blocked'; s_scope[i] := 'organization'; s_limit[i] := v_org_limit; s_remaining[i] := greatest(0, v_org_limit - v_used);
          CONTINUE;
        END IF;
      ELSE
        UPDATE usage_counters c SET reserved = c.reserved + p_qtys[i], updated_at = p_now
         WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = p_metric AND c.period_start = v_period
         RETURNING c.used, c.reserved INTO v_used, v_reserved;
        v_over := 0;
        IF v_metered AND v_org_limit IS NOT NULL THEN
          -- The part of this item past the included amount.
          v_over := greatest(0, v_used + v_reserved - v_org_limit) - greatest(0, v_used + v_reserved - p_qtys[i] - v_org_limit);
        END IF;
        v_need := v_over; v_credit := 0; v_draws := '[]'::JSONB;
        IF v_need > 0 THEN
          FOR g IN SELECT cg.id, cg.remaining FROM credit_grants cg
                    WHERE cg.organization_id = p_org AND cg.metric = p_metric AND cg.remaining > 0 AND (cg.expires_at IS NULL OR cg.expires_at > p_now)
                    ORDER BY cg.priority ASC, cg.expires_at ASC NULLS LAST, cg.created_at ASC, cg.id ASC
                    FOR UPDATE LOOP
            EXIT WHEN v_need = 0;
            v_take := least(g.remaining, v_need);
            UPDATE credit_grants SET remaining = remaining - v_take WHERE organization_id = p_org AND id = g.id;
            v_draws := v_draws || jsonb_build_object('grant', g.id, 'quantity', v_take);
            v_need := v_need - v_take;
            v_credit := v_credit + v_take;
          END LOOP;
        END IF;
        IF v_need > 0 AND v_policy = 'hard_cap' THEN
          PERFORM meterdesk_return_credits(p_org, v_draws);
          PERFORM meterdesk_unreserve_scope(p_org, 'organization', p_org, p_metric, v_period, p_qtys[i], p_now);
          s_status[i] := 'blocked'; s_scope[i] := 'organization'; s_limit[i] := v_org_limit; s_remaining[i] := greatest(0, p_qtys[i] - v_over + v_credit);
          CONTINUE;
        END IF;
        s_credit[i] := v_credit; s_overage[i] := greatest(0, v_need); s_draws[i] := v_draws;
      END IF;
      s_status[i] := 'reserved';
      s_limit[i] := v_org_limit;
      s_remaining[i] := CASE WHEN v_org_limit IS NULL OR NOT v_metered THEN NULL ELSE greatest(0, v_org_limit - v_used - v_reserved) END;
    END LOOP;

  END IF;

  -- 4. Refused items give back what their user and team steps took.
  FOR i IN 1 .. n LOOP
    IF s_status[i] = 'blocked' THEN
      IF s_team_done[i] THEN PERFORM meterdesk_unreserve_scope(p_org, 'team', p_teams[i], p_metric, v_period, p_qtys[i], p_now); END IF;
      IF s_user_done[i] THEN PERFORM meterdesk_unreserve_scope(p_org, 'user', p_users[i], p_metric, v_period, p_qtys[i], p_now); END IF;
    END IF;
  END LOOP;

  INSERT INTO usage_reservations (organization_id, id, metric, quantity, user_id, team_id, period_start, status, credit_draws, overage_quantity, expires_at, created_at)
  SELECT p_org, p_ids[k], p_metric, p_qtys[k], p_users[k], p_teams[k], v_period, 'pending', s_draws[k], s_overage[k], p_expires_at[k], p_now
    FROM generate_series(1, n) k WHERE s_status[k] = 'reserved';
  RETURN QUERY SELECT k::INT, s_status[k], s_scope[k], s_limit[k], s_remaining[k], v_period, s_credit[k], s_overage[k] FROM generate_series(1, n) k;
END $$;

-- Settles a pending reservation: commit moves `p_qty` (the reserved amount when null) into usage and
-- records one usage event; release (p_commit false) gives everything back. Either the event is
-- written and the counters move, or nothing changes and the status says why:
--   'committed' | 'released' | 'expired'          this call settled it (a commit after its expiry expires it)
--   'already_committed' | 'already_released' | 'already_expired'   settled before; nothing changed
--   'commit_exceeds_reservation'  p_qty is more than was reserved (committed_quantity = the reserved amount)
--   'idempotency_key_in_use'      another event already has the key; the reservation stays pending
--   'not_found'
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
    INSERT INTO usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
    VALUES (p_org, gen_random_uuid(), r.metric, v_actual, p_now, p_now, coalesce(p_event_key, 'reservation:' || r.id::TEXT), r.user_id, r.team_id, p_resource_type, p_resource_id, p_metadata, p_cost_micros, p_price_micros, p_currency, 'reservation', r.id)
    ON CONFLICT (organization_id, idempotency_key) DO NOTHING
    RETURNING id INTO v_event;
    IF v_event IS NULL THEN
      RETURN QUERY SELECT 'idempotency_key_in_use'::TEXT, NULL::BIGINT, NULL::UUID; RETURN;
    END IF;
  END IF;

  -- Counters in the order reservations lock them (user → team → organization), then credits.
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE r.user_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'user' AND c.scope_id = r.user_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE r.team_id IS NOT NULL AND c.organization_id = p_org AND c.scope = 'team' AND c.scope_id = r.team_id AND c.metric = r.metric AND c.period_start = r.period_start;
  UPDATE usage_counters c SET reserved = c.reserved - r.quantity, used = c.used + v_actual, updated_at = p_now
   WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = r.metric AND c.period_start = r.period_start;

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
