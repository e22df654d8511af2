import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { contactManageScope, contactReadScope, inScope } from './contact-scope';

/** One contact the actor sees, with its SMS consent history (newest first) and whether they may change it. */
export async function getContact(db: Database, actor: Actor, id: string) {
  const contact = await db.prisma.contact.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id } } });
  if (!contact || !inScope(await contactReadScope(db, actor), contact)) throw new AppError('NOT_FOUND', 'That contact does not exist in this organization.');
  const [history, optOut, owner, team] = await Promise.all([
    contact.phone
      ? db.prisma.contactConsentEvent.findMany({ where: { organizationId: actor.organizationId, phone: contact.phone }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], take: 200 })
      : Promise.resolve([]),
    contact.phone ? db.prisma.smsOptOut.findUnique({ where: { organizationId_phone: { organizationId: actor.organizationId, phone: contact.phone } } }) : Promise.resolve(null),
    db.prisma.user.findUnique({ where: { id: contact.ownerUserId }, select: { name: true, email: true } }),
    contact.teamId ? db.prisma.team.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: contact.teamId } }, select: { name: true } }) : Promise.resolve(null),
  ]);
  const actorIds = [...new Set(history.map((h) => h.actorUserId).filter((u): u is string => !!u))];
  const actors = new Map((await db.prisma.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, name: true } })).map((u) => [u.id, u.name]));
  return {
    contact,
    ownerName: owner?.name ?? 'Unknown',
    teamName: team?.name ?? null,
    canManage: inScope(await contactManageScope(db, actor), contact),
    /** The number is on the organization's opt-out list (the send path checks the list, not only the flag). */
    optOutListed: optOut ? { source: optOut.source, at: optOut.optedOutAt } : null,
    history: history.map((h) => ({ id: h.id, change: h.change, source: h.source, detail: h.detail, occurredAt: h.occurredAt, actorName: h.actorUserId ? (actors.get(h.actorUserId) ?? 'Deleted user') : null })),
  };
}
