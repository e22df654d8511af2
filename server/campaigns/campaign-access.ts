// Who sees and acts on which campaigns (seed 000 §D): admins all of them, managers their own and
// those of the members of the teams they manage, members (and guests) their own. The same rule
// names the contacts a member may address.
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
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

/**
 * SQL condition (on alias `ct`) for the contacts the actor may address, with its parameters
 * appended to `params`. Admins and shared address books: every contact. Personal address books:
 * managers their own and their teams' members' contacts, members their own.
 */
export async function contactReachCondition(db: Database, actor: Actor, params: unknown[]): Promise<string> {
  if (orgRoleCan(actor.role, 'contacts:read_all')) return 'true';
  const org = await db.prisma.organization.findUnique({ where: { id: actor.organizationId }, select: { contactSharing: true } });
  if (org?.contactSharing === 'shared') return 'true';
  if (orgRoleCan(actor.role, 'contacts:read_team')) {
    const users = (await visibleUserIds(db, actor)) ?? [actor.userId];
    const teams = await managedTeamIds(db, actor);
    params.push(users, teams);
    return `(ct.owner_user_id = any($${params.length - 1}::uuid[]) or ct.team_id = any($${params.length}::uuid[]))`;
  }
  params.push(actor.userId);
  return `ct.owner_user_id = $${params.length}::uuid`;
}
