import { z } from 'zod';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event';
import type { Database } from '../db/open-database';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { assertMayActOnMember, findMembership, LAST_OWNER, otherActiveOwners, type Actor } from './member-scope';
import { moveOwnedResources } from './transfer-member-resources';

export const removeMemberInput = z.object({
  membershipId: z.uuid(),
  /** Who receives the leaving member's contacts and campaigns; required when they own any. */
  transferToMembershipId: z.uuid().optional(),
});

/**
 * Deletes a member from the organization. Their contacts and campaigns go to another member; usage
 * and audit rows keep pointing at their (anonymized) user id. A person left in no organization has
 * their personal data erased: name, email and password.
 */
export async function removeMember(db: Database, actor: Actor, input: z.infer<typeof removeMemberInput>, clock: Clock) {
  const target = await findMembership(db, actor.organizationId, input.membershipId);
  assertMayActOnMember(actor, target, 'remove an owner');
  if (target.userId === actor.userId) throw new AppError('BAD_REQUEST', 'You cannot remove yourself; ask another admin.');
  const owned = { organizationId: actor.organizationId, ownerUserId: target.userId };
  const [contacts, campaigns] = await Promise.all([db.prisma.contact.count({ where: owned }), db.prisma.campaign.count({ where: owned })]);
  let heir: Awaited<ReturnType<typeof findMembership>> | null = null;
  if (input.transferToMembershipId) {
    heir = await findMembership(db, actor.organizationId, input.transferToMembershipId);
    if (heir.id === target.id || heir.status !== 'active') {
      throw new AppError('BAD_REQUEST', 'Choose another, active member to receive their contacts and campaigns.', { field: 'transferToMembershipId' });
    }
  } else if (contacts + campaigns > 0) {
    throw new AppError('BAD_REQUEST', `${target.user.name} owns ${contacts} contacts and ${campaigns} campaigns: choose a member to receive them.`, {
      field: 'transferToMembershipId',
    });
  }

  return db.prisma.$transaction(async (tx) => {
    if (target.role === 'owner' && (await otherActiveOwners(tx, actor.organizationId, target.userId)) === 0) {
      throw new AppError('PRECONDITION_FAILED', LAST_OWNER);
    }
    const moved = heir ? await moveOwnedResources(tx, actor, target.userId, heir.userId) : { contacts: 0, campaigns: 0 };
    await tx.teamMembership.deleteMany({ where: { organizationId: actor.organizationId, userId: target.userId } });
    await tx.userLimit.deleteMany({ where: { organizationId: actor.organizationId, userId: target.userId } });
    await tx.membership.delete({ where: { organizationId_id: { organizationId: actor.organizationId, id: target.id } } });
    const elsewhere = await tx.membership.count({ where: { userId: target.userId } });
    const anonymized = elsewhere === 0 && !target.user.platformRole;
    if (anonymized) {
      await tx.user.update({
        where: { id: target.userId },
        data: { status: 'deleted', name: 'Deleted user', email: `deleted-${target.userId}@deleted.invalid`, passwordHash: null },
      });
      await tx.session.updateMany({ where: { userId: target.userId, revokedAt: null }, data: { revokedAt: clock.now() } });
    }
    await recordAuditEvent(tx, {
      organizationId: actor.organizationId,
      actorUserId: actor.userId,
      action: 'member.remove',
      targetType: 'user',
      targetId: target.userId,
      // The audit trail keeps who it was by id only once the person is anonymized.
      before: { role: target.role, status: target.status, email: anonymized ? null : target.user.email },
      after: { removed: true, anonymized, transferredTo: heir?.user.email ?? null, ...moved },
    });
    await enqueueWebhookEvent(tx, actor.organizationId, 'member.removed', { userId: target.userId, email: target.user.email, role: target.role, removedBy: actor.userId }, clock.now());
    return { anonymized, ...moved };
  });
}
