// Use case (platform staff): suspend a tenant (abuse, payment failure) or lift the suspension. A
// suspended tenant is read-only: metering refuses every reservation (server/metering/check-usage.ts)
// and the console shows the banner (renderer usage display: accessWarning). No money moves, so
// Stripe is not involved: the subscription keeps billing until someone cancels it.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import { auditOncePerRequest, platformActionInput } from '../billing/platform-billing-action';
import { DELETION_SUSPENSION_REASON } from '../organizations/organization-deletion';

export const suspendTenantInput = platformActionInput;
export const unsuspendTenantInput = platformActionInput;

export async function suspendTenant(services: { db: Database; clock: Clock }, actorUserId: string, input: z.output<typeof suspendTenantInput>) {
  const org = await services.db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { name: true, suspendedAt: true, suspendedReason: true } });
  if (!org) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  const at = services.clock.now();
  const { after } = await auditOncePerRequest(
    services.db,
    { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason },
    {
      action: 'platform.tenant.suspend',
      targetType: 'organization',
      targetId: input.organizationId,
      before: { suspendedAt: org.suspendedAt?.toISOString() ?? null, suspendedReason: org.suspendedReason },
      after: { suspendedAt: at.toISOString(), suspendedReason: input.reason },
      apply: async (tx) => {
        const current = await tx.organization.findUniqueOrThrow({ where: { id: input.organizationId }, select: { suspendedAt: true, suspendedReason: true } });
        if (current.suspendedAt && current.suspendedReason !== DELETION_SUSPENSION_REASON) {
          throw new AppError('CONFLICT', `${org.name} is already suspended (since ${current.suspendedAt.toISOString().slice(0, 10)}).`);
        }
        // Over a deletion's own suspension: cancelling the deletion then leaves the platform's in place.
        await tx.organization.update({ where: { id: input.organizationId }, data: { suspendedAt: at, suspendedReason: input.reason } });
      },
    },
  );
  return after;
}

export async function unsuspendTenant(services: { db: Database; clock: Clock }, actorUserId: string, input: z.output<typeof unsuspendTenantInput>) {
  const org = await services.db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { name: true, suspendedAt: true, suspendedReason: true, deletionScheduledAt: true } });
  if (!org) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  const { after } = await auditOncePerRequest(
    services.db,
    { organizationId: input.organizationId, requestId: input.requestId, actorUserId, reason: input.reason },
    {
      action: 'platform.tenant.unsuspend',
      targetType: 'organization',
      targetId: input.organizationId,
      before: { suspendedAt: org.suspendedAt?.toISOString() ?? null, suspendedReason: org.suspendedReason },
      after: { suspendedAt: null, suspendedReason: null },
      apply: async (tx) => {
        const current = await tx.organization.findUniqueOrThrow({ where: { id: input.organizationId }, select: { suspendedAt: true, suspendedReason: true, deletionScheduledAt: true } });
        if (!current.suspendedAt) throw new AppError('CONFLICT', `${org.name} is not suspended.`);
        if (current.deletionScheduledAt) {
          throw new AppError('PRECONDITION_FAILED', `${org.name} is read-only because its deletion is scheduled: an owner lifts that by cancelling the deletion.`);
        }
        await tx.organization.update({ where: { id: input.organizationId }, data: { suspendedAt: null, suspendedReason: null } });
      },
    },
  );
  return after;
}
