// A launch interrupted by a crash (the process died between taking the campaign into `launching`,
// reserving its quota and starting it) leaves the campaign `launching`. The sender claims messages
// only of campaigns that started, so one still `launching` has sent nothing: recovery rolls it back
// to a draft, with a reason people see, deletes the messages its plan wrote and releases the
// reservation it held. One statement per run: safe from any number
// of processes at once and idempotent (a campaign is rolled back once; a released reservation is
// released once), and a launch still running is left alone until its lease has passed.
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';

/** A launch takes seconds (planning 100,000 recipients ≤ 5 s); one untouched for this long has died. */
export const LAUNCH_LEASE_MS = 10 * 60_000;

export const INTERRUPTED_LAUNCH_REASON =
  'The launch was interrupted (the app stopped while launching): nothing was sent and the quota it held was released. Launch it again.';

/** Rolls back launches older than the lease; returns the campaigns rolled back. */
export async function recoverInterruptedLaunches(db: Database, clock: Clock, leaseMs = LAUNCH_LEASE_MS): Promise<{ organizationId: string; id: string; released: number }[]> {
  const now = clock.now();
  const rows = await db.query<{ organization_id: string; id: string; released: string | null }>(
    `with stuck as (
       select organization_id, id, reservation_id from campaigns
        where status = 'launching' and updated_at < $2
        for update skip locked
     ), rolled as (
       update campaigns c set status = 'draft', reservation_id = null, status_reason = $3, updated_at = $1
         from stuck s where c.organization_id = s.organization_id and c.id = s.id and c.status = 'launching'
       returning c.organization_id, c.id, s.reservation_id
     ), unqueued as (
       delete from campaign_messages m using rolled r where m.organization_id = r.organization_id and m.campaign_id = r.id
     )
     select r.organization_id, r.id,
            case when r.reservation_id is null then null else meterdesk_release_campaign_reservation(r.organization_id, r.reservation_id, $1) end as released
       from rolled r`,
    [now, new Date(now.getTime() - leaseMs), INTERRUPTED_LAUNCH_REASON],
  );
  return rows.map((r) => ({ organizationId: r.organization_id, id: r.id, released: Number(r.released ?? 0) }));
}
