import { z } from 'zod';
import type { Prisma } from '../db/generated/client';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { assertMayActOnMember, findMembership, type Actor } from './member-scope';

export const transferMemberResourcesInput = z.object({ fromMembershipId: z.uuid(), toMembershipId: z.uuid() });

type Tx = Prisma.TransactionClient;

/** Moves every contact and campaign one member owns to another (seed 000 §E: when someone leaves). */
export async function moveOwnedResources(tx: Tx, actor: Actor, fromUserId: string, toUserId: string) {
  const where = { organizationId: actor.organizationId, ownerUserId: fromUserId };
  const contacts = (await tx.contact.updateMany({ where, data: { ownerUserId: toUserId } })).count;
  const campaigns = (await tx.campaign.updateMany({ where, data: { ownerUserId: toUserId } })).count;
  return { contacts, campaigns };
}

export async function transferMemberResources(db: Database, actor: Actor, input: z.infer<typeof transferMemberResourcesInput>) {
  if (input.fromMembershipId === input.toMembershipId) throw new AppError('BAD_REQUEST', 'Choose a different member to receive them.', { field: 'toMembershipId' });
  const from = await findMembership(db, actor.organizationId, input.fromMembershipId);
  // Handing things to an owner takes nothing from them; taking an owner's away is theirs to decide.
  assertMayActOnMember(actor, from, 'hand an owner’s contacts and campaigns to someone else');
  const to = await findMembership(db, actor.organizationId, input.toMembershipId);
  if (to.status !== 'active') throw new AppError('BAD_REQUEST', `${to.user.name} is deactivated; choose an active member.`, { field: 'toMembershipId' });
  return db.prisma.$transaction(async (tx) => {
    const moved = await moveOwnedResources(tx, actor, from.userId, to.userId);
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.transfer_resources',
      targetType: 'membership',
      targetId: from.id,
      before: { owner: from.user.email },
      after: { owner: to.user.email, ...moved },
    });
    return moved;
  });
}
