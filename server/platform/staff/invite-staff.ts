// Use case (super admins): give someone a platform role. An existing account gets the role at once;
// a new email gets an account without a password and a link to set one (valid 7 days), returned
// once to the super admin (only its hash is stored, like every reset link). Audited in the
// platform's trail with the reason.
import { z } from 'zod';
import type { AppServices } from '../../api/trpc';
import { recordAuditEvent } from '../../audit/record-audit-event';
import { issuePasswordReset, passwordResetLink } from '../../auth/password-reset-link';
import { emailSchema, personNameSchema } from '../../auth/validation';
import { AppError } from '../../errors';
import { lockStaff, platformRoleSchema, staffReason } from './staff-rules';

export const STAFF_INVITATION_TTL_MS = 7 * 24 * 3600_000;

export const inviteStaffInput = z.object({ email: emailSchema, name: personNameSchema, role: platformRoleSchema, reason: staffReason });

export async function inviteStaff(services: Pick<AppServices, 'db' | 'clock' | 'consoleUrl'>, actorUserId: string, input: z.output<typeof inviteStaffInput>) {
  const email = input.email.toLowerCase();
  const now = services.clock.now();
  return services.db.prisma.$transaction(async (tx) => {
    await lockStaff(tx);
    const existing = await tx.user.findUnique({ where: { email }, select: { id: true, platformRole: true, status: true } });
    if (existing?.platformRole) throw new AppError('CONFLICT', `${email} is already platform staff (${existing.platformRole}): change their role instead.`, { field: 'email' });
    if (existing && existing.status !== 'active') throw new AppError('PRECONDITION_FAILED', `${email}'s account is not active.`, { field: 'email' });
    const user = existing
      ? await tx.user.update({ where: { id: existing.id }, data: { platformRole: input.role }, select: { id: true } })
      : await tx.user.create({ data: { email, name: input.name, platformRole: input.role, passwordHash: null }, select: { id: true } });
    const reset = existing ? null : await issuePasswordReset(tx, { userId: user.id, issuedById: actorUserId, now, ttlMs: STAFF_INVITATION_TTL_MS });
    await recordAuditEvent(tx, {
      actorUserId,
      action: 'platform.staff.invite',
      targetType: 'user',
      targetId: user.id,
      before: existing ? { platformRole: null } : null,
      after: { email, platformRole: input.role, newAccount: !existing },
      reason: input.reason,
    });
    return { userId: user.id, newAccount: !existing, link: reset ? passwordResetLink(services, reset.token) : null, expiresAt: reset?.expiresAt ?? null };
  });
}
