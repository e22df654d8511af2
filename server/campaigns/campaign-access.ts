// Who sees and acts on which campaigns (seed 000 §D): admins all of them, managers their own and
// those of the members of the teams they manage, members (and guests) their own. Which contacts a
// sender may address is the contacts' own rule (server/contacts/find-audience.ts).
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

/** Null: every campaign of the organization; otherwise the owners whose campaigns the actor sees. */
export async function visibleCampaignOwners(db: Database, actor: Actor): Promise<string[] | null> {
  if (orgRoleCan(actor.role, 'communications:read_all')) return null;
  if (orgRoleCan(actor.role, 'communications:read_team')) return (await visibleUserIds(db, actor)) ?? null;
  return [actor.userId];
}

export async function findVisibleCampaign(db: Database, actor: Actor, campaignId: string) {
  const campaign = await db.prisma.campaign.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: campaignId } } });
  const owners = campaign ? await visibleCampaignOwners(db, actor) : null;
  if (!campaign || (owners && !owners.includes(campaign.ownerUserId))) {
    throw new AppError('NOT_FOUND', 'That campaign does not exist in this organization, or is not yours to see.');
  }
  return campaign;
}

/** The campaign, when the actor may also change it (launch, pause, cancel, review): communications:send and in reach. */
export async function findCampaignToChange(db: Database, actor: Actor, campaignId: string) {
  const campaign = await findVisibleCampaign(db, actor, campaignId);
  if (!orgRoleCan(actor.role, 'communications:send')) throw new AppError('FORBIDDEN', 'Your role cannot send or change campaigns.');
  return campaign;
}
