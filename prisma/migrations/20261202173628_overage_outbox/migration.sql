-- CreateEnum
CREATE TYPE "OverageReportStatus" AS ENUM ('pending', 'sent', 'failed');

-- CreateTable
CREATE TABLE "usage_overages" (
    "organization_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "period_end" TIMESTAMPTZ(3) NOT NULL,
    "overage" BIGINT NOT NULL DEFAULT 0,
    "batched" BIGINT NOT NULL DEFAULT 0,
    "batches" INTEGER NOT NULL DEFAULT 0,
    "last_batch_at" TIMESTAMPTZ(3),
    "used_seen" BIGINT NOT NULL DEFAULT 0,
    "computed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "usage_overages_pkey" PRIMARY KEY ("organization_id","metric","period_start")
);

-- CreateTable
CREATE TABLE "overage_reports" (
    "organization_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "period_start" TIMESTAMPTZ(3) NOT NULL,
    "batch" INTEGER NOT NULL,
    "quantity" BIGINT NOT NULL,
    "identifier" TEXT NOT NULL,
    "status" "OverageReportStatus" NOT NULL DEFAULT 'pending',
    "occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL,
    "last_error" TEXT,
    "sent_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "overage_reports_pkey" PRIMARY KEY ("organization_id","metric","period_start","batch")
);

-- CreateIndex
CREATE INDEX "overage_reports_status_next_attempt_at_idx" ON "overage_reports"("status", "next_attempt_at");

-- CreateIndex
CREATE UNIQUE INDEX "overage_reports_organization_id_identifier_key" ON "overage_reports"("organization_id", "identifier");

-- ─── Overage to billing meters (issue 9) ──────────────────────────────────────────────────────
-- Where overage is computed, and why here: not in meterdesk_reserve_batch (the hot path keeps its
-- one round trip and its figures), and not from usage_reservations.overage_quantity, which is
-- decided against used + reserved at reservation time (a later release of an earlier reservation
-- would leave it overstated, and ingested events carry none). Instead a periodic job reads what
-- is settled — the organization counter's `used`, which only commits and recorded events move —
-- and subtracts the included amount and the credits that committed reservations kept. It touches
-- only organizations on a `bill` plan, only counters whose `used` moved since the last run, and
-- adds one outbox batch for the difference under a row lock per (organization, metric, period).

-- Settled overage of one metric in one period: 0 unless the organization's plan bills overage and
-- meters the metric. The included amount is the override or plan amount in force at the period's
-- last instant (or now, for the current period). Credits are subtracted only when the organization
-- has grants for the metric (rare), by reading that period's committed reservations: each kept
-- what it drew less what settling gave back (the refund returns overage first, then credits).
CREATE FUNCTION meterdesk_settled_overage(p_org UUID, p_metric TEXT, p_period TIMESTAMPTZ, p_now TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_plan TEXT; v_anchor TIMESTAMPTZ; v_policy TEXT; v_used BIGINT; v_end TIMESTAMPTZ; v_lim BIGINT; v_metered BOOLEAN; v_credits BIGINT := 0;
BEGIN
  SELECT s.plan_key, s.billing_anchor INTO v_plan, v_anchor FROM subscriptions s WHERE s.organization_id = p_org;
  IF NOT FOUND THEN RETURN 0; END IF;
  SELECT p.overage_policy::TEXT INTO v_policy FROM plans p WHERE p.key = v_plan;
  IF v_policy IS DISTINCT FROM 'bill' THEN RETURN 0; END IF;
  SELECT c.used INTO v_used FROM usage_counters c
   WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = p_metric AND c.period_start = p_period;
  IF coalesce(v_used, 0) <= 0 THEN RETURN 0; END IF;
  v_end := meterdesk_period_end(v_anchor, p_period);
  SELECT l.lim, l.metered INTO v_lim, v_metered FROM meterdesk_org_limit(p_org, v_plan, p_metric, least(p_now, v_end - interval '1 millisecond')) l;
  IF NOT v_metered OR v_lim IS NULL OR v_used <= v_lim THEN RETURN 0; END IF;
  IF EXISTS (SELECT 1 FROM credit_grants g WHERE g.organization_id = p_org AND g.metric = p_metric) THEN
    SELECT coalesce(sum(x.drawn - least(x.drawn, greatest(0, r.quantity - coalesce(r.committed_quantity, 0) - r.overage_quantity))), 0) INTO v_credits
      FROM usage_reservations r
      CROSS JOIN LATERAL (SELECT coalesce(sum((d->>'quantity')::BIGINT), 0) AS drawn FROM jsonb_array_elements(r.credit_draws) d) x
     WHERE r.organization_id = p_org AND r.metric = p_metric AND r.period_start = p_period AND r.status = 'committed' AND x.drawn > 0;
  END IF;
  RETURN greatest(0, v_used - v_lim - v_credits);
END $$;

-- The end of the period that starts at p_period: the next period's start. Periods last 28 to 31
-- days, so 32 days later is always inside the next one.
CREATE FUNCTION meterdesk_period_end(p_anchor TIMESTAMPTZ, p_period TIMESTAMPTZ) RETURNS TIMESTAMPTZ
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT meterdesk_period_start(p_anchor, p_period + interval '32 days')
$$;

-- Adds an outbox batch per (organization, metric, period) whose settled overage grew past what is
-- already batched. Each key's usage_overages row is locked before its batch is decided, in key
-- order, so two workers never create overlapping batches and cannot deadlock; the second one finds
-- the first's batch and adds nothing. A key whose last batch is younger than p_min_interval waits
-- (fewer, larger meter events), unless its period has ended. Only the current and previous periods
-- are looked at: older usage is past Stripe's 35-day window for meter events anyway.
-- Returns the batches it created.
CREATE FUNCTION meterdesk_enqueue_overage(p_now TIMESTAMPTZ, p_metrics TEXT[], p_min_interval INTERVAL)
RETURNS TABLE (organization_id UUID, metric TEXT, period_start TIMESTAMPTZ, batch INT, quantity BIGINT)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  c RECORD; v_row usage_overages%ROWTYPE; v_over BIGINT; v_end TIMESTAMPTZ; v_qty BIGINT; v_batch INT;
BEGIN
  FOR c IN
    SELECT uc.organization_id AS org, uc.metric AS m, uc.period_start AS ps, uc.used, s.billing_anchor AS anchor, o.organization_id IS NOT NULL AS tracked
      FROM subscriptions s
      JOIN plans p ON p.key = s.plan_key AND p.overage_policy = 'bill'
      JOIN usage_counters uc ON uc.organization_id = s.organization_id AND uc.scope = 'organization' AND uc.scope_id = s.organization_id
                            AND uc.metric = ANY (p_metrics) AND uc.period_start > p_now - interval '70 days'
      LEFT JOIN usage_overages o ON o.organization_id = uc.organization_id AND o.metric = uc.metric AND o.period_start = uc.period_start
     WHERE o.organization_id IS NULL OR o.used_seen <> uc.used
     ORDER BY uc.organization_id, uc.metric, uc.period_start
  LOOP
    v_end := meterdesk_period_end(c.anchor, c.ps);
    IF NOT c.tracked THEN
      CONTINUE WHEN meterdesk_settled_overage(c.org, c.m, c.ps, p_now) = 0;
      INSERT INTO usage_overages (organization_id, metric, period_start, period_end, computed_at)
      VALUES (c.org, c.m, c.ps, v_end, p_now) ON CONFLICT DO NOTHING;
    END IF;
    SELECT * INTO v_row FROM usage_overages o
     WHERE o.organization_id = c.org AND o.metric = c.m AND o.period_start = c.ps FOR UPDATE;
    -- Computed after the lock, from a fresh snapshot: at least as new as any batch already made.
    v_over := meterdesk_settled_overage(c.org, c.m, c.ps, p_now);
    v_qty := v_over - v_row.batched;
    IF v_qty > 0 AND v_row.last_batch_at IS NOT NULL AND v_row.last_batch_at > p_now - p_min_interval AND p_now < v_end THEN
      -- Too soon for another batch: record the figure, keep used_seen so the next run looks again.
      UPDATE usage_overages o SET overage = v_over, computed_at = p_now
       WHERE o.organization_id = c.org AND o.metric = c.m AND o.period_start = c.ps;
    ELSIF v_qty > 0 THEN
      v_batch := v_row.batches + 1;
      INSERT INTO overage_reports (organization_id, metric, period_start, batch, quantity, identifier, status, occurred_at, attempts, next_attempt_at, created_at, updated_at)
      VALUES (c.org, c.m, c.ps, v_batch, v_qty,
              c.org::TEXT || ':' || c.m || ':' || to_char(c.ps AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || ':' || v_batch::TEXT,
              'pending', least(p_now, v_end - interval '1 second'), 0, p_now, p_now, p_now);
      UPDATE usage_overages o SET overage = v_over, batched = o.batched + v_qty, batches = v_batch, last_batch_at = p_now, used_seen = c.used, computed_at = p_now
       WHERE o.organization_id = c.org AND o.metric = c.m AND o.period_start = c.ps;
      organization_id := c.org; metric := c.m; period_start := c.ps; batch := v_batch; quantity := v_qty;
      RETURN NEXT;
    ELSE
      -- Nothing new (or less than already reported, after a raised override: never taken back here).
      UPDATE usage_overages o SET overage = v_over, used_seen = c.used, computed_at = p_now
       WHERE o.organization_id = c.org AND o.metric = c.m AND o.period_start = c.ps;
    END IF;
  END LOOP;
END $$;
