import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';
import { findVisibleCampaign } from './campaign-access';
import { messageSegments, composeSmsText } from './message-segments';

export const getCampaignInput = z.object({ campaignId: z.uuid('campaignId must be a campaign id') });

/**
 * A campaign with its live counters (polled by the detail screen): messages per status, those held
 * for quiet hours, progress, and the estimated against the actual cost so far (the delivery
 * events' price where they carried one, else the rate card's for what went out).
 */
export async function getCampaign(db: Database, actor: Actor, input: z.output<typeof getCampaignInput>, clock: Clock) {
  const campaign = await findVisibleCampaign(db, actor, input.campaignId);
  const now = clock.now();
  const [rows, owner, channel] = await Promise.all([
    db.query<{ status: string; n: string; held: string; parts: string; actual: string | null }>(
      `select status, count(*) as n, count(*) filter (where status = 'queued' and not_before > $3) as held, coalesce(sum(parts), 0) as parts,
              sum(case when status in ('sent', 'delivered', 'unknown') then coalesce(actual_cost_micros, estimated_cost_micros) when actual_cost_micros is not null then actual_cost_micros end) as actual
         from campaign_messages where organization_id = $1 and campaign_id = $2 group by status`,
      [actor.organizationId, campaign.id, now],
    ),
    db.prisma.user.findUnique({ where: { id: campaign.ownerUserId }, select: { name: true } }),
    db.prisma.smsChannel.findUnique({ where: { organizationId: actor.organizationId }, select: { complianceFooter: true } }),
  ]);
  const counts: Record<string, number> = { queued: 0, sending: 0, sent: 0, delivered: 0, failed: 0, blocked_quota: 0, skipped_opt_out: 0, skipped_quiet_hours: 0, unknown: 0, canceled: 0, held_quiet_hours: 0 };
  let actualCostMicros = 0;
  let total = 0;
  for (const r of rows) {
    counts[r.status] = Number(r.n);
    counts.held_quiet_hours! += Number(r.held);
    actualCostMicros += Number(r.actual ?? 0);
    total += Number(r.n);
  }
  const pending = counts.queued! + counts.sending!;
  const text = composeSmsText(campaign.body, campaign.appendFooter ? (channel?.complianceFooter ?? 'Reply STOP to opt out') : null);
  return {
    id: campaign.id,
    name: campaign.name,
    status: campaign.status,
    statusReason: campaign.statusReason,
    body: campaign.body,
    text,
    segments: messageSegments(text),
    smsType: campaign.smsType,
    appendFooter: campaign.appendFooter,
    includeTags: campaign.includeTags,
    excludeTags: campaign.excludeTags,
    quietHoursAction: campaign.quietHoursAction,
    ownerUserId: campaign.ownerUserId,
    ownerName: owner?.name ?? '',
    scheduledAt: campaign.scheduledAt,
    startedAt: campaign.startedAt,
    completedAt: campaign.completedAt,
    createdAt: campaign.createdAt,
    currency: campaign.currency,
    estimatedCostMicros: Number(campaign.estimatedCostMicros ?? 0),
    actualCostMicros,
    counts,
    total,
    progress: total === 0 ? 0 : (total - pending) / total,
    canChange: orgRoleCan(actor.role, 'communications:send'),
  };
}
