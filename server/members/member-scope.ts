// What part of the organization a caller may act on: admins and owners all of it, managers only
// the teams they manage (seed 000 §D).
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { orgRoleCan, type OrgPermission, type OrgRoleName } from '../permissions/permissions';

export interface Actor {
  organizationId: string;
  userId: string;
  role: OrgRoleName;
}

export async function managedTeamIds(db: Database, actor: Actor): Promise<string[]> {
  const rows = await db.prisma.teamMembership.findMany({
    where: { organizationId: actor.organizationId, userId: actor.userId, role: 'manager', team: { archivedAt: null } },
    select: { teamId: true },
  });
  return rows.map((r) => r.teamId);
}

/** The organization roles a manager may see and act on in the teams they manage. */
export const TEAM_SCOPED_ROLES: readonly OrgRoleName[] = ['member', 'guest'];

/**
 * Null when the actor sees every member; otherwise themselves and the members and guests of the
 * teams they manage (an owner or admin in such a team stays out of a manager's reach).
 */
export async function visibleUserIds(db: Database, actor: Actor): Promise<string[] | null> {
  if (orgRoleCan(actor.role, 'members:read')) return null;
  const teams = await managedTeamIds(db, actor);
  const rows = await db.prisma.teamMembership.findMany({
    where: {
      organizationId: actor.organizationId,
      teamId: { in: teams },
      user: { memberships: { some: { organizationId: actor.organizationId, role: { in: [...TEAM_SCOPED_ROLES] } } } },
    },
    select: { userId: true },
    distinct: ['userId'],
  });
  return [...new Set([actor.userId, ...rows.map((r) => r.userId)])];
}

/**
 * Admins do not act on owners: changing an owner's role, status, limits, teams or belongings is an
 * owner's call. `action` completes "Only owners can …", e.g. "change an owner’s limits".
 */
export function assertMayActOnMember(actor: Actor, target: { role: string }, action: string) {
  if (target.role === 'owner' && actor.role !== 'owner') {
    throw new AppError('FORBIDDEN', `Only owners can ${action}. Ask an owner of this organization to do it.`);
  }
}

/** A manager (no org-wide teams:manage) puts in or takes out of their teams only members and guests. */
export function assertMayChangeTeamsOf(actor: Actor, target: { role: string; name: string }, field?: string) {
  if (!orgRoleCan(actor.role, 'teams:manage') && !TEAM_SCOPED_ROLES.includes(target.role as OrgRoleName)) {
    const article = target.role === 'admin' || target.role === 'owner' ? 'an' : 'a';
    throw new AppError('FORBIDDEN', `Managers can add to or remove from their teams only members and guests; ${target.name} is ${article} ${target.role}. Ask an admin.`, {
      field,
    });
  }
  assertMayActOnMember(actor, target, 'change an owner’s teams');
}

/** Throws FORBIDDEN unless the actor may manage the team: org-wide permission, or they manage it. */
export async function assertCanManageTeam(db: Database, actor: Actor, teamId: string, orgWide: OrgPermission = 'teams:manage') {
  if (orgRoleCan(actor.role, orgWide)) return;
  const managed = await managedTeamIds(db, actor);
  if (!managed.includes(teamId)) throw new AppError('FORBIDDEN', 'Managers can only change the teams they manage.');
}

/** The membership with this id in the actor's organization, or NOT_FOUND (never another tenant's). */
export async function findMembership(db: Database, organizationId: string, membershipId: string) {
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_id: { organizationId, id: membershipId } },
    include: { user: { select: { id: true, email: true, name: true, status: true, platformRole: true } } },
  });
  if (!membership) throw new AppError('NOT_FOUND', 'That member does not exist in this organization.');
  return membership;
}

export async function findTeam(db: Database, organizationId: string, teamId: string) {
  const team = await db.prisma.team.findUnique({ where: { organizationId_id: { organizationId, id: teamId } } });
  if (!team) throw new AppError('NOT_FOUND', 'That team does not exist in this organization.');
  return team;
}

/** Active owners other than `exceptUserId`: an organization always keeps at least one. */
export async function otherActiveOwners(tx: Pick<Database['prisma'], 'membership'>, organizationId: string, exceptUserId: string) {
  return tx.membership.count({ where: { organizationId, role: 'owner', status: 'active', userId: { not: exceptUserId } } });
}

export const LAST_OWNER = 'An organization always keeps at least one active owner: make someone else an owner first.';
