// The progress bar of one export: live while it runs in this process, then its recorded outcome.
import { z } from 'zod';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { orgRoleCan } from '../permissions/permissions';
import type { ExportServices } from './export-services';

export const exportRunInput = z.object({ runId: z.uuid('runId must be an export id') });

/** The run, if the actor may see it (their own, or any of the organization's for owners and admins). */
export async function findVisibleRun(db: Database, actor: Actor, runId: string) {
  const run = await db.prisma.exportRun.findUnique({ where: { organizationId_id: { organizationId: actor.organizationId, id: runId } } });
  if (!run || (run.createdById !== actor.userId && !orgRoleCan(actor.role, 'usage:read'))) throw new AppError('NOT_FOUND', 'That export does not exist, or was made by someone else.');
  return run;
}

export async function getExportProgress(db: Database, exportsSvc: ExportServices, actor: Actor, runId: string) {
  const run = await findVisibleRun(db, actor, runId);
  const live = exportsSvc.running.get(run.id);
  return {
    runId: run.id,
    status: live ? 'running' : run.status,
    fraction: live ? live.progress.fraction : run.status === 'succeeded' ? 1 : 0,
    stage: live ? live.progress.stage : run.status,
    fileName: run.fileName,
    error: run.error,
  };
}
