// Use case (platform staff): a tenant's audit trail, read through the same use case the tenant's
// own admins use (server/audit/list-audit-events.ts).
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { listAuditEvents, listAuditEventsInput } from '../audit/list-audit-events';
import { AppError } from '../errors';

export const listTenantAuditEventsInput = listAuditEventsInput.extend({ organizationId: z.uuid('organizationId must be an organization id') });

export async function listTenantAuditEvents(db: Database, input: z.output<typeof listTenantAuditEventsInput>) {
  const { organizationId, ...rest } = input;
  const organization = await db.prisma.organization.findUnique({ where: { id: organizationId }, select: { id: true } });
  if (!organization) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  return listAuditEvents(db, organizationId, rest);
}
