import type { Database } from '../db/open-database';
import type { Actor } from '../members/member-scope';
import { recordAuditEvent } from '../audit/record-audit-event';
import { campaignDraftInput, type CampaignDraft } from './campaign-rules';

export const createCampaignInput = campaignDraftInput;

/** Saves a draft owned by the actor, attributed to their team (the first they belong to) for budgets. */
export async function createCampaign(db: Database, actor: Actor, input: CampaignDraft) {
  const team = await db.prisma.teamMembership.findFirst({
    where: { organizationId: actor.organizationId, userId: actor.userId, team: { archivedAt: null } },
    orderBy: { createdAt: 'asc' },
    select: { teamId: true },
  });
  return db.prisma.$transaction(async (tx) => {
    const campaign = await tx.campaign.create({
      data: { organizationId: actor.organizationId, ownerUserId: actor.userId, teamId: team?.teamId ?? null, ...input, body: input.body.trim() },
    });
    await recordAuditEvent(tx, { organizationId: actor.organizationId, actorUserId: actor.userId, action: 'campaign.created', targetType: 'campaign', targetId: campaign.id, after: { name: input.name } });
    return { id: campaign.id };
  });
}
