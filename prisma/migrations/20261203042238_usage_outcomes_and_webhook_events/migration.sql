-- CreateTable
CREATE TABLE "usage_outcome_rollups" (
    "organization_id" UUID NOT NULL,
    "scope" "CounterScope" NOT NULL,
    "scope_id" UUID NOT NULL,
    "metric" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "succeeded" BIGINT NOT NULL DEFAULT 0,
    "failed" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "usage_outcome_rollups_pkey" PRIMARY KEY ("organization_id","scope","scope_id","metric","day")
);

-- Outcomes of SMS sends, for the dashboards' success rate, kept in the transaction that changes a
-- campaign message's status (whichever code path does it: the sender, a delivery event, a review):
-- accepted by the provider (sent, or delivered straight from sending/unknown) counts as succeeded;
-- refused at send time, reported undelivered later, or marked failed on review counts as failed (a
-- message accepted and then reported undelivered moves from succeeded to failed). Attributed like
-- its usage event (the campaign's owner and team, and the organization) on the UTC day it was sent,
-- rows locked in the order reservations lock counters (user → team → organization).
CREATE FUNCTION meterdesk_campaign_message_outcome() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  v_ok BIGINT := 0; v_failed BIGINT := 0; c RECORD; v_day DATE;
BEGIN
  IF NEW.status IN ('sent', 'delivered') AND OLD.status IN ('sending', 'unknown', 'queued') THEN
    v_ok := 1;
  ELSIF NEW.status = 'failed' AND OLD.status IN ('sent', 'delivered') THEN
    v_ok := -1; v_failed := 1;
  ELSIF NEW.status = 'failed' AND OLD.status IN ('sending', 'unknown', 'queued') THEN
    v_failed := 1;
  ELSE
    RETURN NULL;
  END IF;
  SELECT owner_user_id, team_id INTO c FROM campaigns WHERE organization_id = NEW.organization_id AND id = NEW.campaign_id;
  v_day := (coalesce(OLD.sent_at, NEW.sent_at, NEW.updated_at) AT TIME ZONE 'UTC')::DATE;
  INSERT INTO usage_outcome_rollups AS r (organization_id, scope, scope_id, metric, day, succeeded, failed)
  SELECT NEW.organization_id, s.scope::"CounterScope", s.scope_id, 'sms_sent', v_day, v_ok, v_failed
    FROM (VALUES ('user', c.owner_user_id, 1), ('team', c.team_id, 2), ('organization', NEW.organization_id, 3)) AS s(scope, scope_id, k)
   WHERE s.scope_id IS NOT NULL
   ORDER BY s.k
  ON CONFLICT (organization_id, scope, scope_id, metric, day) DO UPDATE
    SET succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed;
  RETURN NULL;
END $$;

CREATE TRIGGER campaign_message_outcome AFTER UPDATE OF status ON campaign_messages
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status AND NEW.status IN ('sent', 'delivered', 'failed'))
  EXECUTE FUNCTION meterdesk_campaign_message_outcome();

-- Outbound webhook events from SQL: the twin of server/webhooks/enqueue-webhook-event.ts for changes
-- made by single SQL statements (the SMS domain), so the event and its deliveries commit with the
-- change or not at all. Same body shape: {"id","type","createdAt","organizationId","data"}.
CREATE FUNCTION meterdesk_webhook_subscribed(p_org UUID, p_type TEXT) RETURNS BOOLEAN
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_endpoints e WHERE e.organization_id = p_org AND e.enabled AND p_type = ANY (e.events))
$$;

CREATE FUNCTION meterdesk_enqueue_webhook_event(p_org UUID, p_type TEXT, p_data JSONB, p_now TIMESTAMPTZ) RETURNS UUID
LANGUAGE plpgsql AS $$
DECLARE
  v_id UUID := gen_random_uuid();
BEGIN
  IF NOT meterdesk_webhook_subscribed(p_org, p_type) THEN RETURN NULL; END IF;
  INSERT INTO webhook_events (organization_id, id, type, body, created_at)
  VALUES (p_org, v_id, p_type,
          json_build_object('id', v_id, 'type', p_type, 'createdAt', to_char(p_now AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'organizationId', p_org, 'data', p_data)::TEXT,
          p_now);
  INSERT INTO webhook_deliveries (organization_id, id, endpoint_id, event_id, event_type, next_attempt_at, give_up_at, created_at)
  SELECT p_org, gen_random_uuid(), e.id, v_id, p_type, p_now, p_now + INTERVAL '24 hours', p_now
    FROM webhook_endpoints e WHERE e.organization_id = p_org AND e.enabled AND p_type = ANY (e.events);
  RETURN v_id;
END $$;

-- sms.campaign.completed: a campaign finished sending, with its messages counted by status.
CREATE FUNCTION meterdesk_webhook_campaign_completed() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
DECLARE
  v_counts JSONB;
BEGIN
  IF NOT meterdesk_webhook_subscribed(NEW.organization_id, 'sms.campaign.completed') THEN RETURN NULL; END IF;
  SELECT coalesce(jsonb_object_agg(m.status, m.n), '{}'::JSONB) INTO v_counts
    FROM (SELECT cm.status, count(*) AS n FROM campaign_messages cm WHERE cm.organization_id = NEW.organization_id AND cm.campaign_id = NEW.id GROUP BY cm.status) m;
  PERFORM meterdesk_enqueue_webhook_event(NEW.organization_id, 'sms.campaign.completed', jsonb_build_object(
    'campaignId', NEW.id, 'name', NEW.name, 'status', NEW.status, 'ownerUserId', NEW.owner_user_id, 'teamId', NEW.team_id,
    'startedAt', NEW.started_at, 'completedAt', NEW.completed_at, 'messages', v_counts,
    'actualCostMicros', NEW.actual_cost_micros, 'currency', NEW.currency), coalesce(NEW.completed_at, NEW.updated_at));
  RETURN NULL;
END $$;

CREATE TRIGGER campaign_completed_webhook AFTER UPDATE OF status ON campaigns
  FOR EACH ROW WHEN (NEW.status = 'completed' AND OLD.status IS DISTINCT FROM 'completed')
  EXECUTE FUNCTION meterdesk_webhook_campaign_completed();

-- sms.delivery_failed: a message was refused by the provider, reported undelivered, or marked failed on review.
CREATE FUNCTION meterdesk_webhook_message_failed() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM meterdesk_enqueue_webhook_event(NEW.organization_id, 'sms.delivery_failed', jsonb_build_object(
    'campaignId', NEW.campaign_id, 'messageId', NEW.id, 'contactId', NEW.contact_id, 'phone', NEW.phone, 'country', NEW.country,
    'stage', CASE WHEN OLD.status IN ('sent', 'delivered') THEN 'delivery' WHEN OLD.status = 'unknown' THEN 'review' ELSE 'send' END,
    'error', NEW.error, 'providerMessageId', NEW.provider_message_id, 'failedAt', NEW.updated_at), NEW.updated_at);
  RETURN NULL;
END $$;

CREATE TRIGGER campaign_message_failed_webhook AFTER UPDATE OF status ON campaign_messages
  FOR EACH ROW WHEN (NEW.status = 'failed' AND OLD.status IS DISTINCT FROM 'failed')
  EXECUTE FUNCTION meterdesk_webhook_message_failed();

-- sms.opt_out: a number joined the organization's opt-out list (STOP reply, the provider's list, a person).
CREATE FUNCTION meterdesk_webhook_opt_out() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM meterdesk_enqueue_webhook_event(NEW.organization_id, 'sms.opt_out', jsonb_build_object(
    'phone', NEW.phone, 'source', NEW.source, 'optedOutAt', NEW.opted_out_at), NEW.opted_out_at);
  RETURN NULL;
END $$;

CREATE TRIGGER sms_opt_out_webhook AFTER INSERT ON sms_opt_outs
  FOR EACH ROW EXECUTE FUNCTION meterdesk_webhook_opt_out();
