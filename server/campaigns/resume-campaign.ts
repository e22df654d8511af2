import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { findCampaignToChange } from './campaign-access';
import { currentStatus } from './pause-campaign';
import { sendingRestriction } from './pause-restricted-campaigns';
import { blockedMessage } from '../metering/reserve-usage';

export const resumeCampaignInput = z.object({ campaignId: z.uuid('campaignId must be a campaign id') });

/** A paused campaign sends again (quiet hours and opt-outs are checked again at each claim). */
export async function resumeCampaign(db: Database, actor: Actor, input: z.output<typeof resumeCampaignInput>, clock: Clock) {
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  // A suspended or past-due tenant does not send (pause-restricted-campaigns.ts would pause it again).
  const restriction = await sendingRestriction(db, actor.organizationId, clock);
  if (restriction) throw new AppError('PRECONDITION_FAILED', `Not resumed: ${blockedMessage(restriction, 'sms_sent', null, null)}`);
  const rows = await db.query(`update campaigns set status = 'sending', status_reason = null, started_at = coalesce(started_at, $3), updated_at = $3 where organization_id = $1 and id = $2 and status = 'paused' returning id`, [
    actor.organizationId,
    campaign.id,
    clock.now(),
  ]);
  if (rows.length === 0) throw new AppError('CONFLICT', `Only a paused campaign can be resumed; this one is ${await currentStatus(db, actor.organizationId, campaign.id)}.`);
  await recordAuditEvent(db.prisma, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'campaign.resumed', targetType: 'campaign', targetId: campaign.id });
  return { id: campaign.id, status: 'sending' };
}
