import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import type { Actor } from '../members/member-scope';
import { plainText } from '../validation/text';
import { findCampaignToChange } from './campaign-access';
import { recordOutcomes } from './send-campaign-messages';
import { failUnknownMessages } from './credit-failed-messages';

export const reviewUnknownMessagesInput = z.object({
  campaignId: z.uuid('campaignId must be a campaign id'),
  messageIds: z.array(z.uuid('each message id must be an id')).min(1, 'Choose at least one message.').max(1000, 'Review at most 1,000 messages at a time.'),
  outcome: z.enum(['sent', 'failed'], 'Mark them as sent or as failed.'),
  note: plainText().trim().max(500, 'Keep the note under 500 characters.').optional(),
});

/**
 * A person resolves messages whose outcome is unknown (e.g. after checking the provider's delivery
 * logs): sent or failed. Only `unknown` messages of this campaign change; the decision is audited.
 * Their parts were counted as usage when they became unknown (they may have gone out, and hard caps
 * must not under-count); marking one failed gives exactly those parts back, once
 * (credit-failed-messages.ts): double clicks and concurrent reviewers change each message once.
 */
export async function reviewUnknownMessages(db: Database, actor: Actor, input: z.output<typeof reviewUnknownMessagesInput>, clock: Clock) {
  const campaign = await findCampaignToChange(db, actor, input.campaignId);
  const now = clock.now();
  const ids = [...new Set(input.messageIds)];
  const found = await db.query<{ id: string }>(`select id from campaign_messages where organization_id = $1 and campaign_id = $2 and id = any($3::uuid[]) and status = 'unknown'`, [
    actor.organizationId,
    campaign.id,
    ids,
  ]);
  if (found.length !== ids.length) throw new AppError('BAD_REQUEST', 'Some of these messages are not awaiting review in this campaign (already resolved, or not its messages); reload and choose again.');
  let changed: string[];
  let credited = 0;
  if (input.outcome === 'sent') {
    const outcomes = ids.map((id) => ({ id, status: 'sent' as const, providerMessageId: null, error: null, notBefore: null }));
    changed = (await recordOutcomes(db, actor.organizationId, campaign.id, outcomes, now)).map((r) => r.id);
  } else {
    const result = await failUnknownMessages(db, actor, campaign.id, ids, now);
    changed = result.ids;
    credited = result.creditedParts;
  }
  await db.query(`update campaign_messages set reviewed_by_id = $4, reviewed_at = $5 where organization_id = $1 and campaign_id = $2 and id = any($3::uuid[])`, [
    actor.organizationId,
    campaign.id,
    changed,
    actor.userId,
    now,
  ]);
  await recordAuditEvent(db.prisma, {
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    action: input.outcome === 'sent' ? 'campaign.messages_marked_sent' : 'campaign.messages_marked_failed',
    targetType: 'campaign',
    targetId: campaign.id,
    after: { messages: changed.length, messageIds: changed.slice(0, 50), ...(input.outcome === 'failed' ? { creditedParts: credited } : {}) },
    reason: input.note ?? null,
  });
  return { changed: changed.length, creditedParts: credited };
}
