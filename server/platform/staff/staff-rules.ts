// What the staff use cases share: the reason every change carries, and the rule that the platform
// always keeps a super admin, checked under one lock so two concurrent changes cannot both remove
// "the other" last super admin.
import { z } from 'zod';
import type { Prisma } from '../../db/generated/client';
import { AppError } from '../../errors';
import { PLATFORM_ROLES } from '../../permissions/permissions';
import { plainText } from '../../validation/text';

export const staffReason = plainText({ multiline: true }).trim().min(3, 'Say why (3 to 500 characters): it is kept in the platform’s audit trail.').max(500, 'Keep the reason under 500 characters.');
export const platformRoleSchema = z.enum(PLATFORM_ROLES, 'Choose super_admin, support or finance.');

/** Serialises every change of platform roles (a transaction-scoped advisory lock). */
export async function lockStaff(tx: Prisma.TransactionClient) {
  await tx.$queryRawUnsafe(`select 1 from pg_advisory_xact_lock(hashtext('meterdesk:platform-staff')::bigint)`);
}

export async function refuseRemovingLastSuperAdmin(tx: Prisma.TransactionClient, userId: string) {
  const others = await tx.user.count({ where: { platformRole: 'super_admin', status: 'active', id: { not: userId } } });
  if (others === 0) throw new AppError('PRECONDITION_FAILED', 'This is the last super admin: make someone else super admin first, so the platform is never left without one.');
}
