-- Usage dashboards (issue 8): indexes for the drill-down to events, daily rollups kept with the
-- ledger, and a backfill of the rollups from the events recorded so far.
--
-- usage_daily_rollups: one row per (organization, scope organization|team|user, scope id, metric,
-- UTC day of occurred_at) with the quantity (a gauge such as storage_mb keeps the day's highest
-- reading), and the sums of the events' cost_micros and price_micros. It moves in the same
-- transaction as the ledger and the counters: record-usage-events.ts (ingestion) and
-- meterdesk_settle (commit of a reservation) below.

-- CreateIndex
CREATE INDEX "usage_events_organization_id_occurred_at_id_idx" ON "usage_events"("organization_id", "occurred_at", "id");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_team_id_occurred_at_idx" ON "usage_events"("organization_id", "team_id", "occurred_at");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_user_id_occurred_at_idx" ON "usage_events"("organization_id", "user_id", "occurred_at");

-- meterdesk_settle as in 20261202171000_metering_hardening, and a commit also moves the day's rollups.
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

  -- The day's rollups, after the counters (the order ingestion takes its locks in too).
  IF v_actual > 0 THEN
    INSERT INTO usage_daily_rollups AS ro (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
    SELECT p_org, s.scope, s.scope_id, r.metric, (p_now AT TIME ZONE 'UTC')::DATE, v_actual, coalesce(p_cost_micros, 0), coalesce(p_price_micros, 0)
      FROM (VALUES ('organization'::"CounterScope", p_org), ('team'::"CounterScope", r.team_id), ('user'::"CounterScope", r.user_id)) s(scope, scope_id)
     WHERE s.scope_id IS NOT NULL
     ORDER BY s.scope, s.scope_id
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

-- Backfill from the ledger (events recorded before this migration).
INSERT INTO usage_daily_rollups (organization_id, scope, scope_id, metric, day, quantity, cost_micros, price_micros)
SELECT organization_id, scope, scope_id, metric, day,
       CASE WHEN metric = 'storage_mb' THEN max(quantity) ELSE sum(quantity) END,
       sum(coalesce(cost_micros, 0)), sum(coalesce(price_micros, 0))
  FROM (
    SELECT e.organization_id, 'organization'::"CounterScope" AS scope, e.organization_id AS scope_id, e.metric, (e.occurred_at AT TIME ZONE 'UTC')::DATE AS day, e.quantity, e.cost_micros, e.price_micros FROM usage_events e
    UNION ALL
    SELECT e.organization_id, 'team'::"CounterScope", e.team_id, e.metric, (e.occurred_at AT TIME ZONE 'UTC')::DATE, e.quantity, e.cost_micros, e.price_micros FROM usage_events e WHERE e.team_id IS NOT NULL
    UNION ALL
    SELECT e.organization_id, 'user'::"CounterScope", e.user_id, e.metric, (e.occurred_at AT TIME ZONE 'UTC')::DATE, e.quantity, e.cost_micros, e.price_micros FROM usage_events e WHERE e.user_id IS NOT NULL
  ) x
 GROUP BY organization_id, scope, scope_id, metric, day
ON CONFLICT (organization_id, scope, scope_id, metric, day) DO NOTHING;
