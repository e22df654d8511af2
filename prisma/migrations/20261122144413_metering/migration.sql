-- CreateEnum
CREATE TYPE "OveragePolicy" AS ENUM ('hard_cap', 'bill');

-- CreateEnum
CREATE TYPE "SubscriptionStatus" AS ENUM ('trialing', 'active', 'past_due', 'unpaid', 'canceled');

-- CreateEnum
CREATE TYPE "CounterScope" AS ENUM ('organization', 'team', 'user');

-- CreateEnum
CREATE TYPE "ReservationStatus" AS ENUM ('pending', 'committed', 'released', 'expired');

-- AlterTable
ALTER TABLE "organizations" ADD COLUMN     "suspended_at" TIMESTAMPTZ(3),
ADD COLUMN     "suspended_reason" TEXT;

-- CreateTable
CREATE TABLE "plans" (
    "key" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "overage_policy" "OveragePolicy" NOT NULL DEFAULT 'hard_cap',
    "price_minor" INTEGER NOT NULL DEFAULT 0,
    "currency" TEXT NOT NULL DEFAULT 'usd',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "sort_order" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plans_pkey" PRIMARY KEY ("key")
);

-- CreateTable
CREATE TABLE "plan_quotas" (
    "plan_key" TEXT NOT NULL,
    "metric" TEXT NOT NULL,
    "included" BIGINT,

    CONSTRAINT "plan_quotas_pkey" PRIMARY KEY ("plan_key","metric")
);

-- CreateTable
CREATE TABLE "plan_entitlements" (
    "plan_key" TEXT NOT NULL,
    "feature" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "limit" INTEGER,

    CONSTRAINT "plan_entitlements_pkey" PRIMARY KEY ("plan_key","feature")
);

-- CreateTable
CREATE TABLE "subscriptions" (
    "organization_id" UUID NOT NULL,
    "plan_key" TEXT NOT NULL,
    "status" "SubscriptionStatus" NOT NULL DEFAULT 'active',
    "billing_anchor" TIMESTAMPTZ(3),
    "current_period_start" TIMESTAMPTZ(3),
    "current_period_end" TIMESTAMPTZ(3),
    "cancel_at_period_end" BOOLEAN NOT NULL DEFAULT false,
    "trial_ends_at" TIMESTAMPTZ(3),
    "provider" TEXT,
    "provider_customer_id" TEXT,
    "provider_subscription_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "subscriptions_pkey" PRIMARY KEY ("organization_id")
);

-- CreateTable
CREATE TABLE "quota_overrides" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "limit" BIGINT,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "reason" TEXT NOT NULL,
    "created_by_id" UUID,
    "revoked_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quota_overrides_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "credit_grants" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "amount" BIGINT NOT NULL,
    "remaining" BIGINT NOT NULL,
    "priority" INTEGER NOT NULL DEFAULT 50,
    "expires_at" TIMESTAMPTZ(3),
    "reason" TEXT NOT NULL,
    "granted_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "credit_grants_pkey" PRIMARY KEY ("organization_id","id")
);

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

    CONSTRAINT "usage_events_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "usage_counters" (
    "organization_id" UUID NOT NULL,
    "scope" "CounterScope" NOT NULL,
    "scope_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "used" BIGINT NOT NULL DEFAULT 0,
    "reserved" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "usage_counters_pkey" PRIMARY KEY ("organization_id","scope","scope_id","metric","period_start")
);

-- CreateTable
CREATE TABLE "usage_reservations" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "quantity" BIGINT NOT NULL,
    "user_id" UUID,
    "team_id" UUID,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "status" "ReservationStatus" NOT NULL DEFAULT 'pending',
    "credit_draws" JSONB NOT NULL DEFAULT '[]',
    "overage_quantity" BIGINT NOT NULL DEFAULT 0,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "settled_at" TIMESTAMPTZ(3),
    "committed_quantity" BIGINT,

    CONSTRAINT "usage_reservations_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "rate_cards" (
    "id" UUID NOT NULL,
    "channel" TEXT NOT NULL,
    "country" TEXT NOT NULL,
    "message_type" TEXT NOT NULL,
    "price_micros" BIGINT NOT NULL,
    "cost_micros" BIGINT NOT NULL,
    "currency" TEXT NOT NULL DEFAULT 'usd',
    "effective_from" TIMESTAMPTZ(3) NOT NULL,
    "effective_to" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "rate_cards_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "key_hash" TEXT NOT NULL,
    "scopes" TEXT[],
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    "last_used_at" TIMESTAMPTZ(3),
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateTable
CREATE TABLE "rate_limit_buckets" (
    "organization_id" UUID NOT NULL,
    "tokens" DOUBLE PRECISION NOT NULL,
    "updated_at" TIMESTAMPTZ(6) NOT NULL,

    CONSTRAINT "rate_limit_buckets_pkey" PRIMARY KEY ("organization_id")
);

-- CreateIndex
CREATE INDEX "quota_overrides_organization_id_metric_ends_at_idx" ON "quota_overrides"("organization_id", "metric", "ends_at");

-- CreateIndex
CREATE INDEX "credit_grants_organization_id_metric_priority_expires_at_idx" ON "credit_grants"("organization_id", "metric", "priority", "expires_at");

-- CreateIndex
CREATE INDEX "usage_events_organization_id_metric_occurred_at_idx" ON "usage_events"("organization_id", "metric", "occurred_at");

-- CreateIndex
CREATE UNIQUE INDEX "usage_events_organization_id_idempotency_key_key" ON "usage_events"("organization_id", "idempotency_key");

-- CreateIndex
CREATE INDEX "usage_reservations_status_expires_at_idx" ON "usage_reservations"("status", "expires_at");

-- CreateIndex
CREATE INDEX "rate_cards_channel_country_message_type_effective_from_idx" ON "rate_cards"("channel", "country", "message_type", "effective_from");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_prefix_key" ON "api_keys"("prefix");

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys"("key_hash");

-- AddForeignKey
ALTER TABLE "plan_quotas" ADD CONSTRAINT "plan_quotas_plan_key_fkey" FOREIGN KEY ("plan_key") REFERENCES "plans"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "plan_entitlements" ADD CONSTRAINT "plan_entitlements_plan_key_fkey" FOREIGN KEY ("plan_key") REFERENCES "plans"("key") ON DELETE CASCADE ON UPDATE CASCADE;

-- ─── Metering engine ──────────────────────────────────────────────────────────────────────────
-- The hot paths run inside the database, one round trip each: a reservation locks its counters in
-- a fixed order (user → team → organization → credits) with conditional updates, so concurrent
-- consoles, servers and workers can never push usage past a hard cap, and cannot deadlock.

-- Start of the period containing `at`: monthly from the billing anchor (UTC), or calendar months.
-- Adding months clamps to the month's end (Jan 31 + 1 month = Feb 28), as billing anchors do.
-- A single SQL expression, so the planner inlines it into the statements that call it per row.
CREATE FUNCTION meterdesk_period_start(anchor TIMESTAMPTZ, at TIMESTAMPTZ) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN anchor IS NULL THEN date_trunc('month', at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'
    ELSE ((anchor AT TIME ZONE 'UTC') + make_interval(months =>
            ((extract(year FROM at AT TIME ZONE 'UTC') - extract(year FROM anchor AT TIME ZONE 'UTC')) * 12
              + extract(month FROM at AT TIME ZONE 'UTC') - extract(month FROM anchor AT TIME ZONE 'UTC'))::INT
            - CASE WHEN (anchor AT TIME ZONE 'UTC') + make_interval(months =>
                ((extract(year FROM at AT TIME ZONE 'UTC') - extract(year FROM anchor AT TIME ZONE 'UTC')) * 12
                  + extract(month FROM at AT TIME ZONE 'UTC') - extract(month FROM anchor AT TIME ZONE 'UTC'))::INT) > (at AT TIME ZONE 'UTC')
              THEN 1 ELSE 0 END)) AT TIME ZONE 'UTC'
  END
$$;

-- The organization's included amount of a metric at `at`: an active override, else the plan's.
-- Returns (limit, metered): metered is false when the plan does not meter the metric at all.
CREATE FUNCTION meterdesk_org_limit(p_org UUID, p_plan TEXT, p_metric TEXT, p_at TIMESTAMPTZ, OUT lim BIGINT, OUT metered BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT o."limit" INTO lim FROM quota_overrides o
   WHERE o.organization_id = p_org AND o.metric = p_metric AND o.revoked_at IS NULL AND o.starts_at <= p_at AND o.ends_at > p_at
   ORDER BY o.created_at DESC LIMIT 1;
  IF FOUND THEN
    metered := TRUE;
    RETURN;
  END IF;
  SELECT q.included INTO lim FROM plan_quotas q WHERE q.plan_key = p_plan AND q.metric = p_metric;
  metered := FOUND;
END $$;

-- Reserves quantities of one metric for one organization, in one transaction: a single request,
-- or several that arrived together for the same hot counter (the server batches them). Each item
-- is decided on its own, in arrival order, exactly as if alone. Locks are taken in one global
-- order — user counters (by id), team counters (by id), the organization's counter, then credit
-- grants — so batches and single reservations from any number of processes cannot deadlock.
-- Returns per item (1-based) 'reserved', or 'blocked' with the scope that refused: user, team,
-- organization (quota and credits exhausted under a hard cap), or the account's state
-- (suspended, past_due, unpaid, canceled). A refused item changes nothing.
CREATE FUNCTION meterdesk_reserve_batch(
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
  SELECT coalesce(s.plan_key, 'free'), coalesce(s.status::TEXT, 'active'), s.billing_anchor, o.suspended_at
    INTO v_plan, v_status, v_anchor, v_suspended
    FROM organizations o LEFT JOIN subscriptions s ON s.organization_id = o.id WHERE o.id = p_org;
  v_block := CASE WHEN v_plan IS NULL THEN 'organization_not_found' WHEN v_suspended IS NOT NULL THEN 'suspended'
                  WHEN v_status IN ('past_due', 'unpaid', 'canceled') THEN v_status END;
  IF v_block IS NOT NULL THEN
    RETURN QUERY SELECT k::INT, 'blocked'::TEXT, v_block, NULL::BIGINT, NULL::BIGINT, NULL::TIMESTAMPTZ, 0::BIGINT, 0::BIGINT FROM generate_series(1, n) k;
    RETURN;
  END IF;
  SELECT p.overage_policy::TEXT INTO v_policy FROM plans p WHERE p.key = v_plan;
  v_policy := coalesce(v_policy, 'hard_cap');
  v_period := meterdesk_period_start(v_anchor, p_now);

  -- 1. Per-user limits.
  FOR i IN SELECT u.k FROM unnest(p_users) WITH ORDINALITY u(id, k) WHERE u.id IS NOT NULL ORDER BY u.id, u.k LOOP
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

CREATE FUNCTION meterdesk_unreserve_scope(p_org UUID, p_scope TEXT, p_scope_id UUID, p_metric TEXT, p_period TIMESTAMPTZ, p_qty BIGINT, p_now TIMESTAMPTZ) RETURNS VOID
LANGUAGE sql AS $$
  UPDATE usage_counters c SET reserved = c.reserved - p_qty, updated_at = p_now
   WHERE p_scope_id IS NOT NULL AND c.organization_id = p_org AND c.scope = p_scope::"CounterScope" AND c.scope_id = p_scope_id AND c.metric = p_metric AND c.period_start = p_period;
$$;

CREATE FUNCTION meterdesk_return_credits(p_org UUID, p_draws JSONB) RETURNS VOID
LANGUAGE sql AS $$
  UPDATE credit_grants g SET remaining = g.remaining + (d->>'quantity')::BIGINT
    FROM jsonb_array_elements(p_draws) d
   WHERE g.organization_id = p_org AND g.id = (d->>'grant')::UUID;
$$;

-- Settles a pending reservation. Commit moves `p_qty` (at most the reserved amount) into usage and
-- records one usage event; release (p_qty = 0 with p_release) gives everything back. Idempotent:
-- settling a settled reservation reports its state and changes nothing.
CREATE FUNCTION meterdesk_settle(
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
    RETURN QUERY SELECT r.status::TEXT, r.committed_quantity, NULL::UUID; RETURN;
  END IF;
  IF p_commit AND r.expires_at <= p_now THEN
    p_commit := FALSE; p_new_status := 'expired';
  END IF;
  v_actual := CASE WHEN p_commit THEN least(coalesce(p_qty, r.quantity), r.quantity) ELSE 0 END;
  -- Counters first, in the order reservations lock them (user → team → organization), then credits.
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

  IF v_actual > 0 THEN
    INSERT INTO usage_events (organization_id, id, metric, quantity, occurred_at, recorded_at, idempotency_key, user_id, team_id, resource_type, resource_id, metadata, cost_micros, price_micros, currency, source, reservation_id)
    VALUES (p_org, gen_random_uuid(), r.metric, v_actual, p_now, p_now, coalesce(p_event_key, 'reservation:' || r.id::TEXT), r.user_id, r.team_id, p_resource_type, p_resource_id, p_metadata, p_cost_micros, p_price_micros, p_currency, 'reservation', r.id)
    ON CONFLICT (organization_id, idempotency_key) DO NOTHING
    RETURNING id INTO v_event;
  END IF;
  UPDATE usage_reservations SET status = p_new_status::"ReservationStatus", settled_at = p_now, committed_quantity = v_actual
   WHERE organization_id = p_org AND id = p_reservation;
  RETURN QUERY SELECT p_new_status, v_actual, v_event;
END $$;

-- Built-in plans (seed 001 §3.1, seed 002): included amounts per period and features.
INSERT INTO plans (key, name, overage_policy, price_minor, currency, sort_order) VALUES
  ('free', 'Free', 'hard_cap', 0, 'usd', 0),
  ('starter', 'Starter', 'hard_cap', 2900, 'usd', 1),
  ('growth', 'Growth', 'hard_cap', 5900, 'usd', 2),
  ('pro', 'Pro', 'bill', 9900, 'usd', 3),
  ('enterprise', 'Enterprise', 'bill', 0, 'usd', 4);

INSERT INTO plan_quotas (plan_key, metric, included)
SELECT p.key, m.metric, CASE p.key WHEN 'free' THEN m.free WHEN 'starter' THEN m.starter WHEN 'growth' THEN m.growth WHEN 'pro' THEN m.pro ELSE NULL END
FROM plans p CROSS JOIN (VALUES
  ('sms_sent', 100, 1000, 2500, 5000),
  ('mms_sent', 10, 100, 250, 500),
  ('wa_messages', 250, 2000, 5000, 10000),
  ('emails_sent', 1000, 10000, 25000, 50000),
  ('calls_made', 50, 500, 1000, 2000),
  ('call_seconds', 6000, 60000, 120000, 240000),
  ('ai_queries', 100, 1000, 5000, 20000),
  ('ai_tokens', 100000, 1000000, 5000000, 20000000),
  ('documents', 10, 100, 500, 2000),
  ('storage_mb', 100, 1000, 5000, 20000),
  ('api_requests', 10000, 100000, 500000, 2000000),
  ('contacts_created', 500, 5000, 25000, 100000),
  ('campaigns_launched', 5, 50, 200, 1000)
) AS m(metric, free, starter, growth, pro);

INSERT INTO plan_entitlements (plan_key, feature, enabled, "limit") VALUES
  ('free', 'api_access', FALSE, NULL), ('free', 'webhooks', FALSE, NULL), ('free', 'max_bots', TRUE, 1), ('free', 'max_documents', TRUE, 10), ('free', 'api_requests_per_minute', TRUE, 60),
  ('starter', 'api_access', TRUE, NULL), ('starter', 'webhooks', FALSE, NULL), ('starter', 'max_bots', TRUE, 3), ('starter', 'max_documents', TRUE, 100), ('starter', 'api_requests_per_minute', TRUE, 600),
  ('growth', 'api_access', TRUE, NULL), ('growth', 'webhooks', TRUE, NULL), ('growth', 'max_bots', TRUE, 5), ('growth', 'max_documents', TRUE, 500), ('growth', 'api_requests_per_minute', TRUE, 1200),
  ('pro', 'api_access', TRUE, NULL), ('pro', 'webhooks', TRUE, NULL), ('pro', 'max_bots', TRUE, 10), ('pro', 'max_documents', TRUE, 2000), ('pro', 'api_requests_per_minute', TRUE, 3000),
  ('enterprise', 'api_access', TRUE, NULL), ('enterprise', 'webhooks', TRUE, NULL), ('enterprise', 'max_bots', TRUE, NULL), ('enterprise', 'max_documents', TRUE, NULL), ('enterprise', 'api_requests_per_minute', TRUE, 60000);

-- SMS and MMS rate cards (seed 000: US SMS $0.0075), in millionths of a dollar.
INSERT INTO rate_cards (id, channel, country, message_type, price_micros, cost_micros, currency, effective_from, version) VALUES
  (gen_random_uuid(), 'sms', 'US', 'sms', 7500, 5810, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', 'US', 'mms', 20000, 15000, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', 'CA', 'sms', 7500, 5600, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', 'GB', 'sms', 40000, 34000, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', 'IN', 'sms', 2500, 1900, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', 'AE', 'sms', 45000, 38000, 'usd', '2026-01-01T00:00:00Z', 1),
  (gen_random_uuid(), 'sms', '*', 'sms', 50000, 42000, 'usd', '2026-01-01T00:00:00Z', 1);

-- Releases pending reservations whose time ran out. SKIP LOCKED lets several servers sweep at once.
CREATE FUNCTION meterdesk_expire_reservations(p_now TIMESTAMPTZ, p_limit INT) RETURNS INT
LANGUAGE plpgsql AS $$
DECLARE r RECORD; n INT := 0;
BEGIN
  FOR r IN SELECT ur.organization_id, ur.id FROM usage_reservations ur
            WHERE ur.status = 'pending' AND ur.expires_at <= p_now
            ORDER BY ur.expires_at LIMIT p_limit FOR UPDATE SKIP LOCKED LOOP
    PERFORM meterdesk_settle(r.organization_id, r.id, FALSE, 0, 'expired', p_now, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
    n := n + 1;
  END LOOP;
  RETURN n;
END $$;

-- Takes up to p_want request tokens from the organization's bucket (capacity: the plan's
-- api_requests_per_minute, refilled continuously). Returns how many were taken (0 when empty, with
-- the seconds until one is available) and whether the plan includes API access at all.
CREATE FUNCTION meterdesk_take_request_tokens(p_org UUID, p_now TIMESTAMPTZ, p_want INT)
RETURNS TABLE (api_access BOOLEAN, taken INT, retry_after_seconds DOUBLE PRECISION, per_second DOUBLE PRECISION)
LANGUAGE plpgsql AS $$
DECLARE
  v_cap DOUBLE PRECISION; v_access BOOLEAN; v_tokens DOUBLE PRECISION; v_at TIMESTAMPTZ; v_avail DOUBLE PRECISION; v_take INT;
BEGIN
  SELECT coalesce(e_rate."limit", 60)::DOUBLE PRECISION, coalesce(e_access.enabled, FALSE) INTO v_cap, v_access
    FROM organizations o
    LEFT JOIN subscriptions s ON s.organization_id = o.id
    LEFT JOIN plan_entitlements e_rate ON e_rate.plan_key = coalesce(s.plan_key, 'free') AND e_rate.feature = 'api_requests_per_minute'
    LEFT JOIN plan_entitlements e_access ON e_access.plan_key = coalesce(s.plan_key, 'free') AND e_access.feature = 'api_access'
   WHERE o.id = p_org;
  IF NOT coalesce(v_access, FALSE) THEN
    RETURN QUERY SELECT FALSE, 0, NULL::DOUBLE PRECISION, NULL::DOUBLE PRECISION; RETURN;
  END IF;
  INSERT INTO rate_limit_buckets (organization_id, tokens, updated_at) VALUES (p_org, v_cap, p_now) ON CONFLICT DO NOTHING;
  SELECT b.tokens, b.updated_at INTO v_tokens, v_at FROM rate_limit_buckets b WHERE b.organization_id = p_org FOR UPDATE;
  v_avail := least(v_cap, v_tokens + greatest(0, extract(epoch FROM (p_now - v_at))) * v_cap / 60);
  v_take := least(p_want, floor(v_avail))::INT;
  UPDATE rate_limit_buckets SET tokens = v_avail - v_take, updated_at = greatest(p_now, v_at) WHERE organization_id = p_org;
  RETURN QUERY SELECT TRUE, v_take, CASE WHEN v_take = 0 THEN (1 - v_avail) / (v_cap / 60) END, v_cap / 60;
END $$;
