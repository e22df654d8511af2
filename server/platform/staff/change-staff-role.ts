// Use case (super admins): change a staff member's platform role, or revoke it (role null). The
// last active super admin keeps theirs. Audited in the platform's trail with the reason.
import { z } from 'zod';
import type { Database } from '../../db/open-database';
import { recordAuditEvent } from '../../audit/record-audit-event';
import { AppError } from '../../errors';
import { lockStaff, platformRoleSchema, refuseRemovingLastSuperAdmin, staffReason } from './staff-rules';

export const changeStaffRoleInput = z.object({ userId: z.uuid('userId must be a user id'), role: platformRoleSchema, reason: staffReason });
export const revokeStaffInput = z.object({ userId: z.uuid('userId must be a user id'), reason: staffReason });

async function setRole(db: Database, actorUserId: string, userId: string, role: z.output<typeof platformRoleSchema> | null, reason: string) {
  return db.prisma.$transaction(async (tx) => {
    await lockStaff(tx);
    const user = await tx.user.findUnique({ where: { id: userId }, select: { id: true, email: true, platformRole: true } });
    if (!user?.platformRole) throw new AppError('NOT_FOUND', 'That person is not platform staff.', { field: 'userId' });
    if (user.platformRole === role) throw new AppError('CONFLICT', `${user.email} already has this role.`);
    if (user.platformRole === 'super_admin') await refuseRemovingLastSuperAdmin(tx, user.id);
    await tx.user.update({ where: { id: user.id }, data: { platformRole: role } });
    await recordAuditEvent(tx, {
      actorUserId,
      action: role ? 'platform.staff.role_change' : 'platform.staff.revoke',
      targetType: 'user',
      targetId: user.id,
      before: { email: user.email, platformRole: user.platformRole },
      after: { email: user.email, platformRole: role },
      reason,
    });
    return { userId: user.id, platformRole: role };
  });
}

export function changeStaffRole(db: Database, actorUserId: string, input: z.output<typeof changeStaffRoleInput>) {
  return setRole(db, actorUserId, input.userId, input.role, input.reason);
}

export function revokeStaff(db: Database, actorUserId: string, input: z.output<typeof revokeStaffInput>) {
  return setRole(db, actorUserId, input.userId, null, input.reason);
}
