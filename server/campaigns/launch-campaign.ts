// Sends a draft now or at a set time. One reservation of sms_sent for the whole send (parts ×
// recipients), checked against every scope at once (the owner's limit, their team's budget, the
// organization's quota and credits); refused → nothing is queued and no quota is held. Every
// recipient's message row is written in the statement that plans them, while the campaign is
// `launching` (invisible to the senders); the campaign then becomes sending or scheduled, or, when
// anything failed, its rows are deleted and it is a draft again: a launch is all or nothing.
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
/** Launches writing at least this many message rows refresh the table's statistics. */
const LARGE_LAUNCH_ROWS = 10_000;

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
    // Counts and writes every recipient's row in one statement, while the campaign is `launching`
    // (no sender claims from it); refused or failed below, the rows are deleted again.
    const plan = await planCampaignSend(db, actor, draft, { startAt, now, writeFor: { campaignId: campaign.id } });
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
    // The reservation is on the campaign from now on, so a crash before the campaign starts
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

    // The messages were written by the plan above while the campaign was `launching`. It starts only
    // while the launch is still this one's (not rolled back by the recovery meanwhile).
    const started = await db.query(
      `update campaigns set status = $3, reservation_id = $4, scheduled_at = $5, started_at = $6, estimated_cost_micros = $7, currency = $8, body = $9, status_reason = null, updated_at = $10
        where organization_id = $1 and id = $2 and status = 'launching' and reservation_id = $4 returning id`,
      [actor.organizationId, campaign.id, scheduled ? 'scheduled' : 'sending', reservationId, scheduled ? startAt : null, scheduled ? null : now, plan.estimatedCostMicros, plan.currency, campaign.body, now],
    );
    if (started.length === 0) throw new AppError('CONFLICT', INTERRUPTED_LAUNCH_REASON);
    // A large launch changes what campaign_messages holds faster than autovacuum notices: with the
    // statistics of before it, the planner took the claim's index for recording outcomes and read
    // the whole campaign for every batch (0.5 s each at 100,000 rows). Fresh statistics now.
    if (plan.written >= LARGE_LAUNCH_ROWS) await db.query('analyze campaign_messages');
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
    // The rows this launch's plan wrote go: while it is still this launch (its start time marks it), or
    // once the recovery made the campaign a draft again (a draft holds no messages). A newer launch's
    // rows, should it have been launched again since, stay.
    await db.query(
      `delete from campaign_messages where organization_id = $1 and campaign_id = $2
          and exists (select 1 from campaigns where organization_id = $1 and id = $2 and (status = 'draft' or (status = 'launching' and updated_at = $3)))`,
      [actor.organizationId, campaign.id, now],
    );
    await db.prisma.campaign.updateMany({ where: { organizationId: actor.organizationId, id: campaign.id, status: 'launching', updatedAt: now }, data: { status: 'draft', reservationId: null } });
    throw error;
  }
}
