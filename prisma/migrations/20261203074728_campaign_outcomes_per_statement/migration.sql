-- SMS outcome rollups once per statement instead of once per row (issue 10 benchmark). The row
-- trigger ran a plpgsql function per message — a campaign lookup and two or three upserts of
-- usage_outcome_rollups — which was 40% of the time PostgreSQL spent recording a batch of
-- outcomes. This statement trigger does the same arithmetic over the statement's transition
-- tables: one campaign lookup and one upsert per rollup row a statement touches, whatever the
-- batch size. Same rules as before (meterdesk_campaign_message_outcome, migration
-- 20261203042238): accepted by the provider (sent, or delivered straight from sending/unknown/
-- queued) counts as succeeded; refused at send time or failed on review counts as failed; a
-- message accepted and then failed moves from succeeded to failed; attributed to the campaign's
-- owner, team and organization on the UTC day it was sent; rollup rows locked user → team →
-- organization. (Transition tables are not allowed with a column list, so it fires for every
-- UPDATE of campaign_messages and finds nothing to do for the others.)
DROP TRIGGER campaign_message_outcome ON campaign_messages;
DROP FUNCTION meterdesk_campaign_message_outcome();

CREATE FUNCTION meterdesk_campaign_message_outcomes() RETURNS TRIGGER
LANGUAGE plpgsql AS $$
BEGIN
  -- Most updates settle nothing (a claim marks rows sending): leave before joining the two tables.
  IF NOT EXISTS (SELECT 1 FROM new_rows n WHERE n.status IN ('sent', 'delivered', 'failed')) THEN RETURN NULL; END IF;
  INSERT INTO usage_outcome_rollups AS r (organization_id, scope, scope_id, metric, day, succeeded, failed)
  SELECT d.organization_id, s.scope::"CounterScope", s.scope_id, 'sms_sent', d.day, sum(d.ok), sum(d.failed)
    FROM (
      SELECT n.organization_id, n.campaign_id, (coalesce(o.sent_at, n.sent_at, n.updated_at) AT TIME ZONE 'UTC')::DATE AS day,
             CASE WHEN n.status IN ('sent', 'delivered') THEN 1 WHEN o.status IN ('sent', 'delivered') THEN -1 ELSE 0 END AS ok,
             CASE WHEN n.status = 'failed' THEN 1 ELSE 0 END AS failed
        FROM new_rows n
        JOIN old_rows o ON o.organization_id = n.organization_id AND o.campaign_id = n.campaign_id AND o.id = n.id
       WHERE (n.status IN ('sent', 'delivered') AND o.status IN ('sending', 'unknown', 'queued'))
          OR (n.status = 'failed' AND o.status IN ('sent', 'delivered', 'sending', 'unknown', 'queued'))
    ) d
    LEFT JOIN campaigns c ON c.organization_id = d.organization_id AND c.id = d.campaign_id
    CROSS JOIN LATERAL (VALUES ('user', c.owner_user_id, 1), ('team', c.team_id, 2), ('organization', d.organization_id, 3)) AS s(scope, scope_id, k)
   WHERE s.scope_id IS NOT NULL
   GROUP BY d.organization_id, s.k, s.scope, s.scope_id, d.day
   ORDER BY d.organization_id, s.k, s.scope_id, d.day
  ON CONFLICT (organization_id, scope, scope_id, metric, day) DO UPDATE
    SET succeeded = r.succeeded + EXCLUDED.succeeded, failed = r.failed + EXCLUDED.failed;
  RETURN NULL;
END $$;

CREATE TRIGGER campaign_message_outcomes AFTER UPDATE ON campaign_messages
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION meterdesk_campaign_message_outcomes();
