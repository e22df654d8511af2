import { z } from 'zod';
import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { visibleCampaignOwners } from './campaign-access';
import { CAMPAIGN_STATUSES } from './campaign-rules';

export const listCampaignsInput = z.object({ status: z.enum(CAMPAIGN_STATUSES).optional() }).default({});

/** The campaigns the actor sees, newest first, with their message counts by status. */
export async function listCampaigns(db: Database, actor: Actor, input: z.output<typeof listCampaignsInput>) {
  const owners = await visibleCampaignOwners(db, actor);
  const campaigns = await db.prisma.campaign.findMany({
    where: { organizationId: actor.organizationId, ...(owners ? { ownerUserId: { in: owners } } : {}), ...(input.status ? { status: input.status } : {}) },
    orderBy: { createdAt: 'desc' },
    take: 500,
  });
  const ids = campaigns.map((c) => c.id);
  const counts = ids.length
    ? await db.query<{ campaign_id: string; status: string; n: string }>(
        'select campaign_id, status, count(*) as n from campaign_messages where organization_id = $1 and campaign_id = any($2::uuid[]) group by campaign_id, status',
        [actor.organizationId, ids],
      )
    : [];
  const owners2 = await db.prisma.user.findMany({ where: { id: { in: [...new Set(campaigns.map((c) => c.ownerUserId))] } }, select: { id: true, name: true } });
  return campaigns.map((c) => {
    const byStatus: Record<string, number> = {};
    for (const row of counts) if (row.campaign_id === c.id) byStatus[row.status] = Number(row.n);
    return {
      id: c.id,
      name: c.name,
      status: c.status,
      smsType: c.smsType,
      ownerName: owners2.find((o) => o.id === c.ownerUserId)?.name ?? '',
      createdAt: c.createdAt,
      scheduledAt: c.scheduledAt,
      startedAt: c.startedAt,
      completedAt: c.completedAt,
      recipients: Object.values(byStatus).reduce((a, b) => a + b, 0),
      sent: (byStatus.sent ?? 0) + (byStatus.delivered ?? 0),
      delivered: byStatus.delivered ?? 0,
      failed: byStatus.failed ?? 0,
    };
  });
}
