// The end of a send: a sending campaign with nothing queued or in flight is completed, a cancelled
// one with nothing in flight is closed, and in both cases what is left of the reservation goes back
// (the parts of failed, skipped and never-sent messages). Safe from several processes at once: the
// release locks the reservation and settles it once.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { reserveUsage } from '../metering/reserve-usage';

export async function releaseCampaignReservation(db: Database, organizationId: string, reservationId: string, clock: Clock): Promise<number> {
  const [row] = await db.query<{ n: string }>('select meterdesk_release_campaign_reservation($1, $2, $3) as n', [organizationId, reservationId, clock.now()]);
  return Number(row?.n ?? 0);
}

/** Completes finished sends and releases their unused reservation; returns how many it closed. */
export async function finishCampaigns(db: Database, clock: Clock): Promise<number> {
  const now = clock.now();
  const done = await db.query<{ organization_id: string; id: string; reservation_id: string | null }>(
    `update campaigns c set status = case when c.status = 'sending' then 'completed' else c.status end, completed_at = coalesce(c.completed_at, $1), updated_at = $1
      where c.status in ('sending', 'canceled') and c.completed_at is null
        and not exists (select 1 from campaign_messages m where m.organization_id = c.organization_id and m.campaign_id = c.id and m.status in ('queued', 'sending'))
      returning c.organization_id, c.id, c.reservation_id`,
    [now],
  );
  for (const c of done) if (c.reservation_id) await releaseCampaignReservation(db, c.organization_id, c.reservation_id, clock);
  return done.length;
}

/**
 * A sending campaign whose reservation is gone (expired while the senders were down, released by
 * someone) gets a new one for what is still queued, checked against every scope again; when the
 * caps no longer allow it, the rest is blocked (blocked_quota) and never sent.
 */
export async function renewCampaignReservation(db: Database, campaign: { organizationId: string; id: string; ownerUserId: string; teamId: string | null }, clock: Clock) {
  const [pending] = await db.query<{ parts: string | null }>(`select sum(parts) as parts from campaign_messages where organization_id = $1 and campaign_id = $2 and status = 'queued'`, [
    campaign.organizationId,
    campaign.id,
  ]);
  const parts = Number(pending?.parts ?? 0);
  if (parts === 0) return 'nothing_queued' as const;
  const result = await reserveUsage(db, campaign.organizationId, { metric: 'sms_sent', quantity: parts, user: campaign.ownerUserId, team: campaign.teamId ?? undefined, ttlSeconds: 24 * 3600 }, clock);
  const now = clock.now();
  if (result.status === 'reserved') {
    const swapped = await db.query(
      `update campaigns c set reservation_id = $3, updated_at = $4 where organization_id = $1 and id = $2 and status = 'sending'
          and not exists (select 1 from usage_reservations r where r.organization_id = c.organization_id and r.id = c.reservation_id and r.status = 'pending')
        returning id`,
      [campaign.organizationId, campaign.id, result.reservationId, now],
    );
    if (swapped.length === 0) await releaseCampaignReservation(db, campaign.organizationId, result.reservationId, clock);
    return 'renewed' as const;
  }
  const reason = result.status === 'blocked' ? result.message : 'The campaign could not be charged to its owner or team.';
  // Unless another process renewed it meanwhile: then its reservation covers the rest.
  await db.query(
    `with blocked as (
       update campaign_messages set status = 'blocked_quota', error = $3, updated_at = $4
        where organization_id = $1 and campaign_id = $2 and status = 'queued'
          and not exists (select 1 from campaigns c join usage_reservations r on r.organization_id = c.organization_id and r.id = c.reservation_id
                           where c.organization_id = $1 and c.id = $2 and r.status = 'pending')
        returning 1)
     update campaigns set status_reason = $5, updated_at = $4 where organization_id = $1 and id = $2 and (select count(*) from blocked) > 0`,
    [campaign.organizationId, campaign.id, reason, now, `Stopped by a usage cap: ${reason}`],
  );
  return 'blocked' as const;
}

/** Keeps the reservations of running campaigns from expiring while they still send (held messages, retries). */
export async function extendCampaignReservations(db: Database, clock: Clock) {
  const now = clock.now();
  await db.query(
    `update usage_reservations r set expires_at = $1::timestamptz + interval '24 hours'
       from campaigns c
      where c.status in ('sending', 'paused', 'scheduled') and r.organization_id = c.organization_id and r.id = c.reservation_id
        and r.status = 'pending' and r.expires_at < $1::timestamptz + interval '12 hours'`,
    [now],
  );
}
