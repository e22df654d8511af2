// Cancel: the export stops at its next page, its partial file is deleted and the run is recorded as
// cancelled. Only the person who started it (or an owner/admin) may cancel it.
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import type { ExportServices } from './export-services';
import { findVisibleRun } from './get-export-progress';

export async function cancelExport(db: Database, exportsSvc: ExportServices, actor: Actor, runId: string) {
  const run = await findVisibleRun(db, actor, runId);
  const live = exportsSvc.running.get(run.id);
  if (!live) {
    if (run.status === 'running') throw new AppError('CONFLICT', 'That export is running in another Meterdesk process and cannot be cancelled from here.');
    throw new AppError('CONFLICT', `That export has already ${run.status === 'succeeded' ? 'finished' : run.status === 'canceled' ? 'been cancelled' : 'failed'}.`);
  }
  live.controller.abort();
  await live.done;
  return { canceled: true };
}
