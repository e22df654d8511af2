import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { findCampaignToChange } from './campaign-access';

export const pauseCampaignInput = z.object({ campaignId: z.uuid('campaignId must be a campaign id') });

/**
 * Stops claiming new messages. The status change waits for claims in progress (they share-lock the
 * campaign), so once this returns no further message is claimed; those already in flight finish.
 */
export async function pauseCampaign(db: Database, actor: Actor, input: z.output<typeof pauseCampaignInput>, clock: Clock) {
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  const rows = await db.query(`update campaigns set status = 'paused', status_reason = null, updated_at = $3 where organization_id = $1 and id = $2 and status = 'sending' returning id`, [
    actor.organizationId,
    campaign.id,
    clock.now(),
  ]);
  if (rows.length === 0) throw new AppError('CONFLICT', `Only a sending campaign can be paused; this one is ${await currentStatus(db, actor.organizationId, campaign.id)}.`);
  await recordAuditEvent(db.prisma, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'campaign.paused', targetType: 'campaign', targetId: campaign.id });
  return { id: campaign.id, status: 'paused' };
}

export async function currentStatus(db: Database, organizationId: string, campaignId: string) {
  const c = await db.prisma.campaign.findUnique({ where: { organizationId_id: { organizationId, id: campaignId } }, select: { status: true } });
  return c?.status ?? 'gone';
}
