import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { findCampaignToChange } from './campaign-access';
import { finishCampaigns } from './finish-campaigns';
import { currentStatus } from './pause-campaign';

export const cancelCampaignInput = z.object({ campaignId: z.uuid('campaignId must be a campaign id') });

/**
 * Cancels a draft, scheduled, sending or paused campaign in one statement: the campaign and its
 * queued messages (which become `canceled`, never sent). It waits for claims in progress, so
 * nothing is claimed after it returns; messages already in flight finish, and then the unused
 * reservation goes back (at once when none is in flight).
 */
export async function cancelCampaign(db: Database, actor: Actor, input: z.output<typeof cancelCampaignInput>, clock: Clock) {
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  const now = clock.now();
  const rows = await db.query<{ canceled: string }>(
    `with c as (
       update campaigns set status = 'canceled', status_reason = null, updated_at = $3
        where organization_id = $1 and id = $2 and status in ('draft', 'scheduled', 'sending', 'paused') returning id),
     m as (
       update campaign_messages set status = 'canceled', error = 'The campaign was cancelled', updated_at = $3
        where organization_id = $1 and campaign_id in (select id from c) and status = 'queued' returning 1)
     select (select count(*) from m) as canceled from c`,
    [actor.organizationId, campaign.id, now],
  );
  if (rows.length === 0) throw new AppError('CONFLICT', `This campaign is ${await currentStatus(db, actor.organizationId, campaign.id)}: it can no longer be cancelled.`);
  await finishCampaigns(db, clock);
  await recordAuditEvent(db.prisma, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'campaign.canceled', targetType: 'campaign', targetId: campaign.id, after: { canceledMessages: Number(rows[0]!.canceled) } });
  return { id: campaign.id, status: 'canceled', canceledMessages: Number(rows[0]!.canceled) };
}
