// A tenant that may no longer send (suspended by the platform team, or its subscription past_due,
// unpaid or canceled) stops sending even within reservations it already holds: its sending and
// scheduled campaigns are paused with the reason shown in the console, and the unused part of each
// reservation goes back. Pausing waits for claims in progress (they share-lock the campaign), so no
// message is claimed after this returns; messages already in flight finish and are metered as
// usage (past a released reservation: used += n). Resuming is refused while the restriction lasts
// (resume-campaign.ts); afterwards the sender takes a new reservation, checked against every cap.
// Safe from any number of processes: each campaign is paused and released once.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { getAccountState } from '../metering/get-usage-state';
import { blockedMessage, type BlockedScope } from '../metering/reserve-usage';
import { releaseCampaignReservation } from './finish-campaigns';

type Restriction = Extract<BlockedScope, 'suspended' | 'past_due' | 'unpaid' | 'canceled'>;

export function restrictedReason(restriction: Restriction) {
  return `Paused: ${blockedMessage(restriction, 'sms_sent', null, null)} The unused quota was released; resume once this is resolved.`;
}

/** Why this organization may not send now, or null when it may. */
export async function sendingRestriction(db: Database, organizationId: string, clock: Clock): Promise<Restriction | null> {
  const state = await getAccountState(db, organizationId, clock.now());
  if (!state) return null;
  if (state.suspended) return 'suspended';
  return state.status === 'past_due' || state.status === 'unpaid' || state.status === 'canceled' ? state.status : null;
}

/** Pauses the campaigns of restricted tenants and releases their reservations; returns how many it paused. */
export async function pauseRestrictedCampaigns(db: Database, clock: Clock): Promise<number> {
  const now = clock.now();
  const paused = await db.query<{ organization_id: string; id: string; reservation_id: string | null }>(
    `with restricted as (
       select o.id, case when o.suspended_at is not null then 'suspended' else s.status::text end as why
         from organizations o left join subscriptions s on s.organization_id = o.id
        where o.suspended_at is not null or s.status::text in ('past_due', 'unpaid', 'canceled')
     )
     update campaigns c set status = 'paused', updated_at = $1,
            status_reason = case r.why when 'suspended' then $2 when 'past_due' then $3 when 'unpaid' then $4 else $5 end
       from restricted r
      where c.organization_id = r.id and c.status in ('sending', 'scheduled')
     returning c.organization_id, c.id, c.reservation_id`,
    [now, restrictedReason('suspended'), restrictedReason('past_due'), restrictedReason('unpaid'), restrictedReason('canceled')],
  );
  for (const c of paused) if (c.reservation_id) await releaseCampaignReservation(db, c.organization_id, c.reservation_id, clock);
  return paused.length;
}
