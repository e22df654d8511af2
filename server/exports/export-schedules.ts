// Scheduled monthly exports: a signed pack of one scope, on the 1st of each month for the month before,
// to a folder chosen on the desktop (the data folder's exports/scheduled/ in server mode, where a
// browser must not name paths on the server). The last run's result is kept on the schedule.
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { resolveUsageScope, usageReach } from '../usage/usage-reach';
import { plainText } from '../validation/text';
import type { ExportServices } from './export-services';

export const createExportScheduleInput = z.object({
  scope: z.enum(['organization', 'team', 'user']),
  id: z.uuid('id must be a team or user id').optional(),
  /** Desktop only: an absolute folder on this machine. */
  folder: plainText().min(1).max(1000).optional(),
});

export function firstOfNextMonth(now: Date) {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export async function createExportSchedule(db: Database, exportsSvc: ExportServices, actor: Actor, input: z.output<typeof createExportScheduleInput>, transport: 'desktop' | 'browser', now: Date) {
  const reach = await usageReach(db, actor);
  const scope = await resolveUsageScope(db, actor, reach, input.scope, input.id);
  let folder = join(exportsSvc.dir, 'scheduled', actor.organizationId);
  if (input.folder !== undefined) {
    if (transport !== 'desktop') throw new AppError('BAD_REQUEST', 'In browser mode scheduled exports go to the server’s data folder; choosing a folder needs the desktop app.', { field: 'folder' });
    if (!isAbsolute(input.folder)) throw new AppError('BAD_REQUEST', 'Choose a folder by its full path.', { field: 'folder' });
    folder = input.folder;
  }
  const count = await db.prisma.exportSchedule.count({ where: { organizationId: actor.organizationId } });
  if (count >= 50) throw new AppError('CONFLICT', 'An organization can have at most 50 scheduled exports: remove one first.');
  const s = await db.prisma.exportSchedule.create({
    data: { organizationId: actor.organizationId, scope: scope.kind, scopeId: scope.id, scopeName: scope.name, folder, createdById: actor.userId, nextRunAt: firstOfNextMonth(now), createdAt: now },
    select: { id: true, nextRunAt: true, folder: true },
  });
  return s;
}

export async function listExportSchedules(db: Database, actor: Actor) {
  return db.prisma.exportSchedule.findMany({
    where: { organizationId: actor.organizationId, createdById: actor.userId },
    orderBy: { createdAt: 'asc' },
    select: { id: true, scope: true, scopeName: true, folder: true, nextRunAt: true, lastRunAt: true, lastStatus: true, lastError: true },
  });
}

export const deleteExportScheduleInput = z.object({ scheduleId: z.uuid('scheduleId must be a schedule id') });

export async function deleteExportSchedule(db: Database, actor: Actor, scheduleId: string) {
  const { count } = await db.prisma.exportSchedule.deleteMany({ where: { organizationId: actor.organizationId, id: scheduleId, createdById: actor.userId } });
  if (count === 0) throw new AppError('NOT_FOUND', 'That scheduled export does not exist.');
  return { deleted: true };
}
