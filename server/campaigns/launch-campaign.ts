// Sends a draft now or at a set time. One reservation of sms_sent for the whole send (parts ×
// recipients), checked against every scope at once (the owner's limit, their team's budget, the
// organization's quota and credits); refused → nothing is queued and no quota is held. Then every
// recipient's message row is written in one statement together with the campaign's new state, so
// a launch is all or nothing.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { reserveUsage } from '../metering/reserve-usage';
import { findCampaignToChange } from './campaign-access';
import { planCampaignSend } from './plan-campaign-send';
import { noRecipientsMessage } from './preview-campaign';
import { scheduledAtField, type CampaignDraft } from './campaign-rules';
import { releaseCampaignReservation } from './finish-campaigns';
import { INTERRUPTED_LAUNCH_REASON } from './recover-interrupted-launches';

const MAX_SCHEDULE_DAYS = 30;

export const launchCampaignInput = z.object({
  campaignId: z.uuid('campaignId must be a campaign id'),
  /** Absent: send now. */
  scheduledAt: scheduledAtField.optional(),
});

/** After the start, the reservation stays held this long for held (quiet hours) and retried messages; the sender extends it while it runs. */
const RESERVATION_TAIL_SECONDS = 24 * 3600;

export interface LaunchHooks {
  /**
   * Runs before the audience is planned: the provider's opt-out list into sms_opt_outs (sns:
   * syncOptOuts), so numbers that replied STOP anywhere are skipped. Throws when SMS is not connected.
   */
  beforePlanning?: () => Promise<void>;
}

export async function launchCampaign(db: Database, actor: Actor, input: z.output<typeof launchCampaignInput>, clock: Clock, hooks: LaunchHooks = {}) {
  const now = clock.now();
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  if (campaign.status !== 'draft') throw new AppError('CONFLICT', `This campaign is ${campaign.status}, not a draft: it can be launched once.`);
  if (input.scheduledAt && input.scheduledAt.getTime() > now.getTime() + MAX_SCHEDULE_DAYS * 86_400_000) {
    throw new AppError('BAD_REQUEST', `Schedule at most ${MAX_SCHEDULE_DAYS} days ahead.`, { field: 'scheduledAt' });
  }
  const scheduled = !!input.scheduledAt && input.scheduledAt.getTime() > now.getTime();
  const startAt = scheduled ? input.scheduledAt! : now;
  const channel = await db.prisma.smsChannel.findUnique({ where: { organizationId: actor.organizationId } });
  if (!channel) throw new AppError('PRECONDITION_FAILED', 'SMS is not connected: connect it in Settings → Channels → SMS first.');

  // Only one launch of a draft: the others find it taken.
  // updated_at starts the launch's lease: a launch that dies here is rolled back by
  // recover-interrupted-launches.ts once the lease has passed.
  const { count } = await db.prisma.campaign.updateMany({ where: { organizationId: actor.organizationId, id: campaign.id, status: 'draft' }, data: { status: 'launching', updatedAt: now } });
  if (count === 0) throw new AppError('CONFLICT', 'This campaign is being launched already.');
  let reservationId: string | null = null;
  try {
    // A scheduled campaign syncs again when it starts (server/jobs/registry.ts).
    await hooks.beforePlanning?.();
    const draft: CampaignDraft = {
      name: campaign.name,
      body: campaign.body,
      smsType: campaign.smsType as CampaignDraft['smsType'],
      appendFooter: campaign.appendFooter,
      includeTags: campaign.includeTags,
      excludeTags: campaign.excludeTags,
      quietHoursAction: campaign.quietHoursAction as CampaignDraft['quietHoursAction'],
    };
    const plan = await planCampaignSend(db, actor, draft, { startAt, now });
    if (plan.counts.eligible === 0) throw new AppError('PRECONDITION_FAILED', noRecipientsMessage(plan.counts));

    const reservation = await reserveUsage(
      db,
      actor.organizationId,
      {
        metric: 'sms_sent',
        quantity: plan.totalParts,
        user: campaign.ownerUserId,
        team: campaign.teamId ?? undefined,
        ttlSeconds: Math.ceil((startAt.getTime() - now.getTime()) / 1000) + RESERVATION_TAIL_SECONDS,
      },
      clock,
    );
    if (reservation.status !== 'reserved') {
      throw new AppError('PRECONDITION_FAILED', `Not sent: this campaign needs ${plan.totalParts} SMS parts. ${reservation.message}`);
    }
    reservationId = reservation.reservationId;
    // The reservation is on the campaign from now on, so a crash before the messages are written
    // leaves it where the recovery finds (and releases) it.
    // (Only this launch, marked by its start time: one rolled back meanwhile may have been launched again.)
    const held = await db.query('update campaigns set reservation_id = $3 where organization_id = $1 and id = $2 and status = $4 and updated_at = $5 and reservation_id is null returning id', [
      actor.organizationId,
      campaign.id,
      reservationId,
      'launching',
      now,
    ]);
    if (held.length === 0) throw new AppError('CONFLICT', INTERRUPTED_LAUNCH_REASON);

    const r = plan.recipients;
    // Written only while the launch is still this one's (not rolled back by the recovery meanwhile).
    const launched = await db.query(
      `with mine as (
         select id from campaigns where organization_id = $1 and id = $2 and status = 'launching' and reservation_id = $13 for update
       ), written as (
         insert into campaign_messages (organization_id, campaign_id, id, contact_id, phone, country, parts, status, not_before, estimated_cost_micros, time_zones, error, updated_at)
         select $1, $2, gen_random_uuid(), m.contact_id, m.phone, m.country, case when m.status = 'queued' then $3::int else 0 end, m.status, m.not_before, m.price,
                case when m.zones = '' then '{}'::text[] else string_to_array(m.zones, '&') end,
                case m.status when 'skipped_opt_out' then 'Opted out when the campaign was launched' when 'skipped_quiet_hours' then 'In quiet hours when the campaign started' end, $4
           from unnest($5::uuid[], $6::text[], $7::text[], $8::text[], $9::timestamptz[], $10::bigint[], $11::text[]) as m(contact_id, phone, country, status, not_before, price, zones)
          where exists (select 1 from mine)
         returning 1
       )
       update campaigns set status = $12, reservation_id = $13, scheduled_at = $14, started_at = $15, estimated_cost_micros = $16, currency = $17, body = $18, status_reason = null, updated_at = $4
        where organization_id = $1 and id = $2 and id in (select id from mine) and (select count(*) from written) >= 0
       returning id`,
      [
        actor.organizationId,
        campaign.id,
        plan.segments.parts,
        now,
        r.map((x) => x.contactId),
        r.map((x) => x.phone),
        r.map((x) => x.country),
        r.map((x) => x.status),
        r.map((x) => x.notBefore),
        r.map((x) => x.priceMicros),
        r.map((x) => x.zones.join('&')),
        scheduled ? 'scheduled' : 'sending',
        reservationId,
        scheduled ? startAt : null,
        scheduled ? null : now,
        plan.estimatedCostMicros,
        plan.currency,
        campaign.body,
      ],
    );
    if (launched.length === 0) throw new AppError('CONFLICT', INTERRUPTED_LAUNCH_REASON);
    await recordAuditEvent(db.prisma, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: scheduled ? 'campaign.scheduled' : 'campaign.launched',
      targetType: 'campaign',
      targetId: campaign.id,
      after: { recipients: plan.counts.eligible, parts: plan.totalParts, estimatedCostMicros: plan.estimatedCostMicros, scheduledAt: scheduled ? startAt : null },
    });
    return { id: campaign.id, status: scheduled ? 'scheduled' : 'sending', counts: plan.counts, totalParts: plan.totalParts, estimatedCostMicros: plan.estimatedCostMicros, currency: plan.currency };
  } catch (error) {
    // Nothing queued and no quota held: the reservation goes back, the campaign is a draft again.
    if (reservationId) await releaseCampaignReservation(db, actor.organizationId, reservationId, clock);
    // Only this launch (its start time marks it): one rolled back by the recovery may have been launched again since.
    await db.prisma.campaign.updateMany({ where: { organizationId: actor.organizationId, id: campaign.id, status: 'launching', updatedAt: now }, data: { status: 'draft', reservationId: null } });
    throw error;
  }
}
