// Which contacts an actor sees and which they may change (seed 000 §2.B/§D, DESIGN.md roles).
//  - See: with the organization's contact_sharing = shared, everyone with a contacts permission sees
//    every contact; with personal, members see their own, managers also those owned by the members
//    of the teams they manage or filed under those teams, admins and owners all of them.
//  - Change: members their own, managers their teams' as above, admins and owners all (whatever
//    the sharing setting). Guests have no contacts permission at all.
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { managedTeamIds, visibleUserIds, type Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';

/** `all`, or the contacts owned by one of `ownerUserIds` or filed under one of `teamIds`. */
export type ContactScope = { all: true } | { all: false; ownerUserIds: string[]; teamIds: string[] };

async function teamScope(db: Database, actor: Actor): Promise<ContactScope> {
  const [owners, teams] = await Promise.all([visibleUserIds(db, actor), managedTeamIds(db, actor)]);
  return { all: false, ownerUserIds: owners ?? [actor.userId], teamIds: teams };
}

/** The contacts the actor may see. */
export async function contactReadScope(db: Database, actor: Actor): Promise<ContactScope> {
  if (!orgRoleCan(actor.role, 'contacts:manage_own') && !orgRoleCan(actor.role, 'contacts:read_team') && !orgRoleCan(actor.role, 'contacts:read_all')) {
    throw new AppError('FORBIDDEN', 'Your role cannot see contacts.');
  }
  if (orgRoleCan(actor.role, 'contacts:read_all')) return { all: true };
  const organization = await db.prisma.organization.findUnique({ where: { id: actor.organizationId }, select: { contactSharing: true } });
  if (organization?.contactSharing === 'shared') return { all: true };
  if (orgRoleCan(actor.role, 'contacts:read_team')) return teamScope(db, actor);
  return { all: false, ownerUserIds: [actor.userId], teamIds: [] };
}

/** The contacts the actor may change (edit, tag, delete, consent). */
export async function contactManageScope(db: Database, actor: Actor): Promise<ContactScope> {
  if (orgRoleCan(actor.role, 'contacts:manage_all')) return { all: true };
  if (orgRoleCan(actor.role, 'contacts:manage_team')) return teamScope(db, actor);
  if (orgRoleCan(actor.role, 'contacts:manage_own')) return { all: false, ownerUserIds: [actor.userId], teamIds: [] };
  throw new AppError('FORBIDDEN', 'Your role cannot change contacts.');
}

/** The scope as a Prisma filter on contacts (always inside the actor's organization). */
export function contactScopeWhere(actor: Actor, scope: ContactScope): Prisma.ContactWhereInput {
  if (scope.all) return { organizationId: actor.organizationId };
  return { organizationId: actor.organizationId, OR: [{ ownerUserId: { in: scope.ownerUserIds } }, { teamId: { in: scope.teamIds } }] };
}

/**
 * The scope as SQL on contacts aliased `alias`: a condition using parameters $n and $n+1 (uuid
 * arrays) after the ones a query already has. Append `params` to the query's own.
 */
export function contactScopeSql(scope: ContactScope, alias: string, firstParam: number): { sql: string; params: unknown[] } {
  if (scope.all) return { sql: 'true', params: [] };
  return {
    sql: `(${alias}.owner_user_id = any($${firstParam}::uuid[]) or ${alias}.team_id = any($${firstParam + 1}::uuid[]))`,
    params: [scope.ownerUserIds, scope.teamIds],
  };
}

export function inScope(scope: ContactScope, contact: { ownerUserId: string; teamId: string | null }): boolean {
  return scope.all || scope.ownerUserIds.includes(contact.ownerUserId) || (contact.teamId !== null && scope.teamIds.includes(contact.teamId));
}

/**
 * The contacts with these ids that the actor may change, or an error naming what is wrong: ids of
 * another organization read as missing, never as someone else's.
 */
export async function findManageableContacts(db: Database, actor: Actor, ids: readonly string[]) {
  const unique = [...new Set(ids)];
  const readScope = await contactReadScope(db, actor);
  const found = (await db.prisma.contact.findMany({ where: { organizationId: actor.organizationId, id: { in: unique } } })).filter((c) => inScope(readScope, c));
  // Someone else's contact one cannot see reads as missing, like another organization's.
  if (found.length !== unique.length) throw new AppError('NOT_FOUND', unique.length === 1 ? 'That contact does not exist in this organization.' : 'Some of these contacts do not exist in this organization (they may have been deleted); reload and try again.');
  const scope = await contactManageScope(db, actor);
  const outside = found.filter((c) => !inScope(scope, c));
  if (outside.length > 0) {
    throw new AppError('FORBIDDEN', unique.length === 1 ? 'You can only change your own contacts (managers: their teams’).' : `${outside.length} of these contacts are not yours to change (managers: their teams’; admins: all).`);
  }
  return found;
}
