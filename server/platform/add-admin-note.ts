// Use case (platform support): a note about a tenant for the platform's staff (seed 003 Phase 6).
// Notes are internal: the tenant never sees them. Each is audited in the platform's trail.
import { z } from 'zod';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { recordAuditEvent } from '../audit/record-audit-event';
import { AppError } from '../errors';
import { plainText } from '../validation/text';

export const addAdminNoteInput = z.object({
  organizationId: z.uuid('organizationId must be an organization id'),
  body: plainText({ multiline: true }).trim().min(1, 'Write the note.').max(4000, 'Keep a note under 4,000 characters.'),
});

export async function addAdminNote(db: Database, clock: Clock, actorUserId: string, input: z.output<typeof addAdminNoteInput>) {
  const organization = await db.prisma.organization.findUnique({ where: { id: input.organizationId }, select: { id: true } });
  if (!organization) throw new AppError('NOT_FOUND', 'That organization does not exist.', { field: 'organizationId' });
  return db.prisma.$transaction(async (tx) => {
    const note = await tx.adminNote.create({ data: { organizationId: input.organizationId, authorUserId: actorUserId, body: input.body, createdAt: clock.now() } });
    await recordAuditEvent(tx, { actorUserId, action: 'platform.tenant.note', targetType: 'organization', targetId: input.organizationId, after: { noteId: note.id, body: note.body } });
    return { id: note.id, createdAt: note.createdAt };
  });
}
