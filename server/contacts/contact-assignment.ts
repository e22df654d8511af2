// Who owns a contact and which team it is filed under: resolved inside the actor's organization
// (another tenant's ids read as missing) and within what the actor may hand out.
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

export async function resolveContactOwner(db: Database, actor: Actor, ownerUserId: string | undefined): Promise<string> {
  if (!ownerUserId || ownerUserId === actor.userId) return actor.userId;
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: actor.organizationId, userId: ownerUserId } },
    select: { status: true, role: true },
  });
  if (!membership) throw new AppError('NOT_FOUND', 'That owner is not a member of this organization.', { field: 'ownerUserId' });
  if (membership.status !== 'active') throw new AppError('BAD_REQUEST', 'That member is deactivated; choose an active member as owner.', { field: 'ownerUserId' });
  if (membership.role === 'guest') throw new AppError('BAD_REQUEST', 'Guests cannot own contacts; choose a member.', { field: 'ownerUserId' });
  if (orgRoleCan(actor.role, 'contacts:manage_all')) return ownerUserId;
  if (orgRoleCan(actor.role, 'contacts:manage_team')) {
    const visible = await visibleUserIds(db, actor);
    if (!visible || visible.includes(ownerUserId)) return ownerUserId;
    throw new AppError('FORBIDDEN', 'Managers can give contacts only to members of the teams they manage.', { field: 'ownerUserId' });
  }
  throw new AppError('FORBIDDEN', 'Members own the contacts they add; ask a manager or an admin to give one to someone else.', { field: 'ownerUserId' });
}

export async function resolveContactTeam(db: Database, actor: Actor, teamId: string | null | undefined): Promise<string | null> {
  if (!teamId) return null;
  const team = await db.prisma.team.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: teamId } }, select: { archivedAt: true } });
  if (!team) throw new AppError('NOT_FOUND', 'That team does not exist in this organization.', { field: 'teamId' });
  if (team.archivedAt) throw new AppError('BAD_REQUEST', 'That team is archived; choose another.', { field: 'teamId' });
  if (orgRoleCan(actor.role, 'contacts:manage_all')) return teamId;
  const mine = orgRoleCan(actor.role, 'contacts:manage_team') ? await managedTeamIds(db, actor) : [];
  if (mine.includes(teamId)) return teamId;
  const member = await db.prisma.teamMembership.findUnique({
    where: { organizationId_teamId_userId: { organizationId: actor.organizationId, teamId, userId: actor.userId } },
    select: { userId: true },
  });
  if (member) return teamId;
  throw new AppError('FORBIDDEN', 'You can file contacts only under teams you belong to (managers: the teams they manage).', { field: 'teamId' });
}
