-- CreateEnum
CREATE TYPE "PlanVersionStatus" AS ENUM ('draft', 'published', 'retired');

-- CreateEnum
CREATE TYPE "PlanMigrationMode" AS ENUM ('now', 'at_renewal');

-- CreateEnum
CREATE TYPE "PlanMigrationStatus" AS ENUM ('pending', 'scheduled', 'done', 'failed');

-- AlterTable
ALTER TABLE "plan_entitlements" DROP CONSTRAINT "plan_entitlements_pkey",
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1,
ADD CONSTRAINT "plan_entitlements_pkey" PRIMARY KEY ("plan_key", "version", "feature");

-- AlterTable
ALTER TABLE "plan_quotas" DROP CONSTRAINT "plan_quotas_pkey",
ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 1,
ADD CONSTRAINT "plan_quotas_pkey" PRIMARY KEY ("plan_key", "version", "metric");

-- AlterTable
ALTER TABLE "subscriptions" ADD COLUMN     "plan_version" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "plan_versions" (
    "plan_key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "status" "PlanVersionStatus" NOT NULL DEFAULT 'draft',
    "terms" JSONB NOT NULL,
    "overage_policy" "OveragePolicy" NOT NULL,
    "note" TEXT,
    "based_on" INTEGER,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "published_at" TIMESTAMPTZ(3),
    "published_by_id" UUID,

    CONSTRAINT "plan_versions_pkey" PRIMARY KEY ("plan_key","version")
);

-- CreateTable
CREATE TABLE "plan_version_migrations" (
    "organization_id" UUID NOT NULL,
    "id" UUID NOT NULL,
    "plan_key" TEXT NOT NULL,
    "from_version" INTEGER NOT NULL,
    "to_version" INTEGER NOT NULL,
    "mode" "PlanMigrationMode" NOT NULL,
    "status" "PlanMigrationStatus" NOT NULL DEFAULT 'pending',
    "run_id" UUID NOT NULL,
    "effective_at" TIMESTAMPTZ(3),
    "provider_ref" TEXT,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 1,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "plan_version_migrations_pkey" PRIMARY KEY ("organization_id","id")
);

-- CreateIndex
CREATE INDEX "plan_version_migrations_plan_key_to_version_status_idx" ON "plan_version_migrations"("plan_key", "to_version", "status");

-- CreateIndex
CREATE UNIQUE INDEX "plan_version_migrations_organization_id_plan_key_to_version_key" ON "plan_version_migrations"("organization_id", "plan_key", "to_version");

-- AddForeignKey
ALTER TABLE "plan_versions" ADD CONSTRAINT "plan_versions_plan_key_fkey" FOREIGN KEY ("plan_key") REFERENCES "plans"("key") ON DELETE CASCADE ON UPDATE CASCADE;


-- ─── Version 1 of every plan: the catalog as shipped (server/billing/plan-catalog.ts). ───
INSERT INTO "plan_versions" ("plan_key", "version", "status", "terms", "overage_policy", "note", "published_at") VALUES
('free', 1, 'published', '{"planKey":"free","version":1,"name":"Free","prices":{},"includedSeats":1,"seatPriceMinor":{"month":900,"year":9000},"overagePolicy":"hard_cap","quotas":{"sms_sent":100,"mms_sent":10,"wa_messages":250,"emails_sent":1000,"calls_made":50,"call_seconds":6000,"ai_queries":100,"ai_tokens":100000,"documents":10,"storage_mb":100,"api_requests":10000,"contacts_created":500,"campaigns_launched":5},"entitlements":{"api_access":{"enabled":false,"limit":null},"webhooks":{"enabled":false,"limit":null},"max_bots":{"enabled":true,"limit":1},"max_documents":{"enabled":true,"limit":10},"api_requests_per_minute":{"enabled":true,"limit":60}},"overageUnitPriceMicros":{"sms_sent":7500,"mms_sent":20000,"wa_messages":5000,"emails_sent":1000,"calls_made":10000,"call_seconds":250,"ai_queries":2000,"ai_tokens":2,"api_requests":100}}'::jsonb, 'hard_cap', 'The catalog as shipped (server/billing/plan-catalog.ts).', CURRENT_TIMESTAMP),
  ('starter', 1, 'published', '{"planKey":"starter","version":1,"name":"Starter","prices":{"month":{"amountMinor":2900,"currency":"usd","interval":"month","lookupKey":"meterdesk_starter_monthly_v1"},"year":{"amountMinor":29000,"currency":"usd","interval":"year","lookupKey":"meterdesk_starter_yearly_v1"}},"includedSeats":3,"seatPriceMinor":{"month":900,"year":9000},"overagePolicy":"hard_cap","quotas":{"sms_sent":1000,"mms_sent":100,"wa_messages":2000,"emails_sent":10000,"calls_made":500,"call_seconds":60000,"ai_queries":1000,"ai_tokens":1000000,"documents":100,"storage_mb":1000,"api_requests":100000,"contacts_created":5000,"campaigns_launched":50},"entitlements":{"api_access":{"enabled":true,"limit":null},"webhooks":{"enabled":false,"limit":null},"max_bots":{"enabled":true,"limit":3},"max_documents":{"enabled":true,"limit":100},"api_requests_per_minute":{"enabled":true,"limit":600}},"overageUnitPriceMicros":{"sms_sent":7500,"mms_sent":20000,"wa_messages":5000,"emails_sent":1000,"calls_made":10000,"call_seconds":250,"ai_queries":2000,"ai_tokens":2,"api_requests":100}}'::jsonb, 'hard_cap', 'The catalog as shipped (server/billing/plan-catalog.ts).', CURRENT_TIMESTAMP),
  ('growth', 1, 'published', '{"planKey":"growth","version":1,"name":"Growth","prices":{"month":{"amountMinor":5900,"currency":"usd","interval":"month","lookupKey":"meterdesk_growth_monthly_v1"},"year":{"amountMinor":59000,"currency":"usd","interval":"year","lookupKey":"meterdesk_growth_yearly_v1"}},"includedSeats":10,"seatPriceMinor":{"month":900,"year":9000},"overagePolicy":"hard_cap","quotas":{"sms_sent":2500,"mms_sent":250,"wa_messages":5000,"emails_sent":25000,"calls_made":1000,"call_seconds":120000,"ai_queries":5000,"ai_tokens":5000000,"documents":500,"storage_mb":5000,"api_requests":500000,"contacts_created":25000,"campaigns_launched":200},"entitlements":{"api_access":{"enabled":true,"limit":null},"webhooks":{"enabled":true,"limit":null},"max_bots":{"enabled":true,"limit":5},"max_documents":{"enabled":true,"limit":500},"api_requests_per_minute":{"enabled":true,"limit":1200}},"overageUnitPriceMicros":{"sms_sent":7500,"mms_sent":20000,"wa_messages":5000,"emails_sent":1000,"calls_made":10000,"call_seconds":250,"ai_queries":2000,"ai_tokens":2,"api_requests":100}}'::jsonb, 'hard_cap', 'The catalog as shipped (server/billing/plan-catalog.ts).', CURRENT_TIMESTAMP),
  ('pro', 1, 'published', '{"planKey":"pro","version":1,"name":"Pro","prices":{"month":{"amountMinor":9900,"currency":"usd","interval":"month","lookupKey":"meterdesk_pro_monthly_v1"},"year":{"amountMinor":99000,"currency":"usd","interval":"year","lookupKey":"meterdesk_pro_yearly_v1"}},"includedSeats":25,"seatPriceMinor":{"month":900,"year":9000},"overagePolicy":"bill","quotas":{"sms_sent":5000,"mms_sent":500,"wa_messages":10000,"emails_sent":50000,"calls_made":2000,"call_seconds":240000,"ai_queries":20000,"ai_tokens":20000000,"documents":2000,"storage_mb":20000,"api_requests":2000000,"contacts_created":100000,"campaigns_launched":1000},"entitlements":{"api_access":{"enabled":true,"limit":null},"webhooks":{"enabled":true,"limit":null},"max_bots":{"enabled":true,"limit":10},"max_documents":{"enabled":true,"limit":2000},"api_requests_per_minute":{"enabled":true,"limit":3000}},"overageUnitPriceMicros":{"sms_sent":7500,"mms_sent":20000,"wa_messages":5000,"emails_sent":1000,"calls_made":10000,"call_seconds":250,"ai_queries":2000,"ai_tokens":2,"api_requests":100}}'::jsonb, 'bill', 'The catalog as shipped (server/billing/plan-catalog.ts).', CURRENT_TIMESTAMP),
  ('enterprise', 1, 'published', '{"planKey":"enterprise","version":1,"name":"Enterprise","prices":{},"includedSeats":null,"seatPriceMinor":{"month":900,"year":9000},"overagePolicy":"bill","quotas":{"sms_sent":null,"mms_sent":null,"wa_messages":null,"emails_sent":null,"calls_made":null,"call_seconds":null,"ai_queries":null,"ai_tokens":null,"documents":null,"storage_mb":null,"api_requests":null,"contacts_created":null,"campaigns_launched":null},"entitlements":{"api_access":{"enabled":true,"limit":null},"webhooks":{"enabled":true,"limit":null},"max_bots":{"enabled":true,"limit":null},"max_documents":{"enabled":true,"limit":null},"api_requests_per_minute":{"enabled":true,"limit":60000}},"overageUnitPriceMicros":{"sms_sent":7500,"mms_sent":20000,"wa_messages":5000,"emails_sent":1000,"calls_made":10000,"call_seconds":250,"ai_queries":2000,"ai_tokens":2,"api_requests":100}}'::jsonb, 'bill', 'The catalog as shipped (server/billing/plan-catalog.ts).', CURRENT_TIMESTAMP);

-- A published (or retired) version is immutable: its terms, policy and identity never change, it
-- never goes back to draft and is never deleted. Drafts change freely. The use cases check first
-- and answer in words; this is the backstop for any other writer.
CREATE FUNCTION meterdesk_plan_version_immutable() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    IF OLD.status <> 'draft' THEN
      RAISE EXCEPTION 'plan version %/% is %: it cannot be deleted', OLD.plan_key, OLD.version, OLD.status USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN OLD;
  END IF;
  IF OLD.status <> 'draft' AND (
       NEW.terms IS DISTINCT FROM OLD.terms OR NEW.overage_policy IS DISTINCT FROM OLD.overage_policy
    OR NEW.plan_key IS DISTINCT FROM OLD.plan_key OR NEW.version IS DISTINCT FROM OLD.version
    OR NEW.published_at IS DISTINCT FROM OLD.published_at OR NEW.status = 'draft') THEN
    RAISE EXCEPTION 'plan version %/% is published: its terms are immutable (start a new draft)', OLD.plan_key, OLD.version USING ERRCODE = 'integrity_constraint_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER plan_versions_immutable BEFORE UPDATE OR DELETE ON "plan_versions" FOR EACH ROW EXECUTE FUNCTION meterdesk_plan_version_immutable();

-- A version's quotas and entitlements are written once, when it is published.
CREATE FUNCTION meterdesk_plan_limits_immutable() RETURNS TRIGGER LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% of plan version %/% are immutable once published', TG_TABLE_NAME, OLD.plan_key, OLD.version USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER plan_quotas_immutable BEFORE UPDATE OR DELETE ON "plan_quotas" FOR EACH ROW EXECUTE FUNCTION meterdesk_plan_limits_immutable();
CREATE TRIGGER plan_entitlements_immutable BEFORE UPDATE OR DELETE ON "plan_entitlements" FOR EACH ROW EXECUTE FUNCTION meterdesk_plan_limits_immutable();

-- ─── Grandfathering: metering reads the quotas, entitlements and overage policy of the version the
-- subscription is on (subscriptions.plan_version), not the plan's latest. ───

-- The organization's included amount of a metric at `at` for a known plan version: an active
-- override, else the version's. (limit, metered) as meterdesk_org_limit.
CREATE FUNCTION meterdesk_org_limit_v(p_org UUID, p_plan TEXT, p_version INT, p_metric TEXT, p_at TIMESTAMPTZ, OUT lim BIGINT, OUT metered BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT o."limit" INTO lim FROM quota_overrides o
   WHERE o.organization_id = p_org AND o.metric = p_metric AND o.revoked_at IS NULL AND o.starts_at <= p_at AND o.ends_at > p_at
   ORDER BY o.created_at DESC LIMIT 1;
  IF FOUND THEN
    metered := TRUE;
    RETURN;
  END IF;
  SELECT q.included INTO lim FROM plan_quotas q WHERE q.plan_key = p_plan AND q.version = p_version AND q.metric = p_metric;
  metered := FOUND;
END $$;

-- The old signature, kept for its callers (usage summaries, banners, alerts): the version is the
-- subscription's when it is on p_plan, else 1.
CREATE OR REPLACE FUNCTION meterdesk_org_limit(p_org UUID, p_plan TEXT, p_metric TEXT, p_at TIMESTAMPTZ, OUT lim BIGINT, OUT metered BOOLEAN)
LANGUAGE plpgsql STABLE AS $$
BEGIN
  SELECT l.lim, l.metered INTO lim, metered
    FROM meterdesk_org_limit_v(p_org, p_plan,
           coalesce((SELECT s.plan_version FROM subscriptions s WHERE s.organization_id = p_org AND s.plan_key = p_plan), 1),
           p_metric, p_at) l;
END $$;

-- meterdesk_reserve_batch as in 20261202171000_metering_hardening, reading the subscription's
-- plan version (quota and overage policy) in the same first query.
CREATE OR REPLACE FUNCTION meterdesk_reserve_batch(
  p_org UUID, p_metric TEXT, p_qtys BIGINT[], p_users UUID[], p_teams UUID[], p_ids UUID[], p_expires_at TIMESTAMPTZ[], p_now TIMESTAMPTZ
) RETURNS TABLE (idx INT, status TEXT, blocked_scope TEXT, scope_limit BIGINT, scope_remaining BIGINT, period_start TIMESTAMPTZ, credit_quantity BIGINT, overage_quantity BIGINT)
LANGUAGE plpgsql AS $$
DECLARE
  n INT := coalesce(array_length(p_ids, 1), 0);
  v_plan TEXT; v_version INT; v_status TEXT; v_anchor TIMESTAMPTZ; v_suspended TIMESTAMPTZ; v_block TEXT; v_policy TEXT; v_period TIMESTAMPTZ;
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
  SELECT coalesce(s.plan_key, 'free'), coalesce(s.plan_version, 1), coalesce(s.status::TEXT, 'active'), s.billing_anchor, o.suspended_at
    INTO v_plan, v_version, v_status, v_anchor, v_suspended
    FROM organizations o LEFT JOIN subscriptions s ON s.organization_id = o.id WHERE o.id = p_org;
  v_block := CASE WHEN v_plan IS NULL THEN 'organization_not_found' WHEN v_suspended IS NOT NULL THEN 'suspended'
                  WHEN v_status IN ('past_due', 'unpaid', 'canceled') THEN v_status END;
  IF v_block IS NOT NULL THEN
    RETURN QUERY SELECT k::INT, coalesce(s_status[k], 'blocked'), CASE WHEN s_status[k] IS NULL THEN v_block END, NULL::BIGINT, NULL::BIGINT, NULL::TIMESTAMPTZ, 0::BIGINT, 0::BIGINT FROM generate_series(1, n) k;
    RETURN;
  END IF;
  SELECT coalesce(pv.overage_policy, p.overage_policy)::TEXT INTO v_policy
    FROM plans p LEFT JOIN plan_versions pv ON pv.plan_key = p.key AND pv.version = v_version WHERE p.key = v_plan;
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
    SELECT l.lim, l.metered INTO v_org_limit, v_metered FROM meterdesk_org_limit_v(p_org, v_plan, v_version, p_metric, p_now) l;
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

-- meterdesk_settled_overage as in 20261202173628_overage_outbox, for the subscription's version.
CREATE OR REPLACE FUNCTION meterdesk_settled_overage(p_org UUID, p_metric TEXT, p_period TIMESTAMPTZ, p_now TIMESTAMPTZ) RETURNS BIGINT
LANGUAGE plpgsql STABLE AS $$
DECLARE
  v_plan TEXT; v_version INT; v_anchor TIMESTAMPTZ; v_policy TEXT; v_used BIGINT; v_end TIMESTAMPTZ; v_lim BIGINT; v_metered BOOLEAN; v_credits BIGINT := 0;
BEGIN
  SELECT s.plan_key, s.plan_version, s.billing_anchor INTO v_plan, v_version, v_anchor FROM subscriptions s WHERE s.organization_id = p_org;
  IF NOT FOUND THEN RETURN 0; END IF;
  SELECT coalesce(pv.overage_policy, p.overage_policy)::TEXT INTO v_policy
    FROM plans p LEFT JOIN plan_versions pv ON pv.plan_key = p.key AND pv.version = v_version WHERE p.key = v_plan;
  IF v_policy IS DISTINCT FROM 'bill' THEN RETURN 0; END IF;
  SELECT c.used INTO v_used FROM usage_counters c
   WHERE c.organization_id = p_org AND c.scope = 'organization' AND c.scope_id = p_org AND c.metric = p_metric AND c.period_start = p_period;
  IF coalesce(v_used, 0) <= 0 THEN RETURN 0; END IF;
  v_end := meterdesk_period_end(v_anchor, p_period);
  SELECT l.lim, l.metered INTO v_lim, v_metered FROM meterdesk_org_limit_v(p_org, v_plan, v_version, p_metric, least(p_now, v_end - interval '1 millisecond')) l;
  IF NOT v_metered OR v_lim IS NULL OR v_used <= v_lim THEN RETURN 0; END IF;
  IF EXISTS (SELECT 1 FROM credit_grants g WHERE g.organization_id = p_org AND g.metric = p_metric) THEN
    SELECT coalesce(sum(x.drawn - least(x.drawn, greatest(0, r.quantity - coalesce(r.committed_quantity, 0) - r.overage_quantity))), 0) INTO v_credits
      FROM usage_reservations r
      CROSS JOIN LATERAL (SELECT coalesce(sum((d->>'quantity')::BIGINT), 0) AS drawn FROM jsonb_array_elements(r.credit_draws) d) x
     WHERE r.organization_id = p_org AND r.metric = p_metric AND r.period_start = p_period AND r.status = 'committed' AND x.drawn > 0;
  END IF;
  RETURN greatest(0, v_used - v_lim - v_credits);
END $$;

-- meterdesk_enqueue_overage as in 20261202173628_overage_outbox: the version's overage policy decides.
CREATE OR REPLACE FUNCTION meterdesk_enqueue_overage(p_now TIMESTAMPTZ, p_metrics TEXT[], p_min_interval INTERVAL)
RETURNS TABLE (organization_id UUID, metric TEXT, period_start TIMESTAMPTZ, batch INT, quantity BIGINT)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
  c RECORD; v_row usage_overages%ROWTYPE; v_over BIGINT; v_end TIMESTAMPTZ; v_qty BIGINT; v_batch INT;
BEGIN
  FOR c IN
    SELECT uc.organization_id AS org, uc.metric AS m, uc.period_start AS ps, uc.used, s.billing_anchor AS anchor, o.organization_id IS NOT NULL AS tracked
      FROM subscriptions s
      JOIN plans p ON p.key = s.plan_key
       AND coalesce((SELECT pv.overage_policy FROM plan_versions pv WHERE pv.plan_key = s.plan_key AND pv.version = s.plan_version), p.overage_policy) = 'bill'
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

-- meterdesk_take_request_tokens as in 20261122144413_metering: the version's rate and API access.
CREATE OR REPLACE FUNCTION meterdesk_take_request_tokens(p_org UUID, p_now TIMESTAMPTZ, p_want INT)
RETURNS TABLE (api_access BOOLEAN, taken INT, retry_after_seconds DOUBLE PRECISION, per_second DOUBLE PRECISION)
LANGUAGE plpgsql AS $$
DECLARE
  v_cap DOUBLE PRECISION; v_access BOOLEAN; v_tokens DOUBLE PRECISION; v_at TIMESTAMPTZ; v_avail DOUBLE PRECISION; v_take INT;
BEGIN
  SELECT coalesce(e_rate."limit", 60)::DOUBLE PRECISION, coalesce(e_access.enabled, FALSE) INTO v_cap, v_access
    FROM organizations o
    LEFT JOIN subscriptions s ON s.organization_id = o.id
    LEFT JOIN plan_entitlements e_rate ON e_rate.plan_key = coalesce(s.plan_key, 'free') AND e_rate.version = coalesce(s.plan_version, 1) AND e_rate.feature = 'api_requests_per_minute'
    LEFT JOIN plan_entitlements e_access ON e_access.plan_key = coalesce(s.plan_key, 'free') AND e_access.version = coalesce(s.plan_version, 1) AND e_access.feature = 'api_access'
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
