import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { recordAuditEvent } from '../audit/record-audit-event';
import { plainText } from '../validation/text';
import { IMPERSONATION_DEFAULT_MINUTES, IMPERSONATION_MAX_MINUTES } from './impersonation-policy';

export const startImpersonationInput = z.object({
  organizationId: z.uuid(),
  userId: z.uuid(),
  reason: plainText({ multiline: true }).trim().min(10, 'Say why you need to act as this person (at least 10 characters).').max(500),
  ticketReference: plainText().trim().min(1, 'Give the support ticket this is for.').max(100),
  durationMinutes: z.number().int().min(5).max(IMPERSONATION_MAX_MINUTES).default(IMPERSONATION_DEFAULT_MINUTES),
});

/**
 * Platform support (or a super admin) starts acting as one of a tenant's users, in their own
 * session: time-limited, read-only until escalated, recorded in the tenant's audit trail.
 */
export async function startImpersonation(
  db: Database,
  staff: { userId: string; sessionId: string },
  input: z.infer<typeof startImpersonationInput>,
  clock: Clock,
) {
  if (input.userId === staff.userId) throw new AppError('BAD_REQUEST', 'You cannot impersonate yourself.');
  const membership = await db.prisma.membership.findUnique({
    where: { organizationId_userId: { organizationId: input.organizationId, userId: input.userId } },
    select: { status: true, role: true, user: { select: { status: true, platformRole: true, name: true } }, organization: { select: { name: true } } },
  });
  if (!membership || membership.status !== 'active' || membership.user.status !== 'active') {
    throw new AppError('NOT_FOUND', 'No active user with that id in this tenant.', { field: 'userId' });
  }
  if (membership.user.platformRole) throw new AppError('FORBIDDEN', 'Platform staff cannot be impersonated.', { field: 'userId' });
  const now = clock.now();
  const expiresAt = new Date(now.getTime() + input.durationMinutes * 60_000);
  return db.prisma.$transaction(async (tx) => {
    const created = await tx.impersonationSession.create({
      data: {
        organizationId: input.organizationId,
        impersonatorUserId: staff.userId,
        impersonatedUserId: input.userId,
        staffSessionId: staff.sessionId,
        reason: input.reason,
        ticketReference: input.ticketReference,
        startedAt: now,
        expiresAt,
      },
    });
    const { count } = await tx.session.updateMany({ where: { id: staff.sessionId, userId: staff.userId, impersonationId: null, revokedAt: null }, data: { impersonationId: created.id, impersonationOrganizationId: input.organizationId } });
    if (count !== 1) throw new AppError('CONFLICT', 'This session is already impersonating someone: end that first.');
    await recordAuditEvent(tx, {
      organizationId: input.organizationId,
      actorUserId: staff.userId,
      action: 'impersonation.start',
      targetType: 'user',
      targetId: input.userId,
      reason: input.reason,
      after: { impersonationId: created.id, ticketReference: input.ticketReference, role: membership.role, expiresAt: expiresAt.toISOString(), mode: 'read_only' },
      impersonationId: created.id,
    });
    return { impersonationId: created.id, expiresAt, organizationName: membership.organization.name, userName: membership.user.name };
  });
}
