// An export whose process died mid-run (crash, power cut, killed) stays `running` with a hidden
// partial folder on disk. Running exports move their heartbeat every EXPORT_HEARTBEAT_MS; this sweep
// (at start-up and as a background job) marks a run whose heartbeat stopped as failed ("interrupted")
// and removes its partial files. One statement claims the runs (SKIP LOCKED, conditional on still
// running), so any number of processes may sweep at once and each run is handled once; a run still
// being written elsewhere keeps its heartbeat fresh and is left alone.
import { rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { Clock } from '../clock';
import type { Database } from '../db/open-database';
import { logUnexpectedError } from '../logging/log-error';
import type { ExportServices } from './export-services';

export const EXPORT_HEARTBEAT_MS = 15_000;
/** Eight missed heartbeats: long enough for a busy machine, short enough that history soon tells the truth. */
export const EXPORT_INTERRUPTED_AFTER_MS = 2 * 60_000;

export const INTERRUPTED_EXPORT_ERROR = 'Interrupted: Meterdesk stopped while writing this export (it quit or crashed). No file was kept; export it again.';

/** The hidden folder a run writes into before its file is complete (inside the export's folder). */
export function partialDirName(runId: string): string {
  return `.partial-${runId}`;
}

export interface SweptRun {
  organizationId: string;
  id: string;
  removed: string[];
}

export async function sweepInterruptedExports(db: Database, exportsSvc: Pick<ExportServices, 'dir' | 'running'>, clock: Clock, staleAfterMs = EXPORT_INTERRUPTED_AFTER_MS): Promise<SweptRun[]> {
  const now = clock.now();
  const rows = await db.query<{ organization_id: string; id: string; schedule_id: string | null; folder: string | null }>(
    `with stale as (
       select organization_id, id from export_runs
        where status = 'running' and coalesce(heartbeat_at, created_at) < $2 and not (id = any($4::uuid[]))
        for update skip locked
     ), failed as (
       update export_runs r set status = 'failed', error = $3, finished_at = $1
         from stale s where r.organization_id = s.organization_id and r.id = s.id and r.status = 'running'
       returning r.organization_id, r.id, r.schedule_id
     )
     select f.organization_id, f.id, f.schedule_id, s.folder
       from failed f left join export_schedules s on s.organization_id = f.organization_id and s.id = f.schedule_id`,
        // Runs this process is writing are never swept, even if their heartbeat writes failed for a while.
    [now, new Date(now.getTime() - staleAfterMs), INTERRUPTED_EXPORT_ERROR, [...exportsSvc.running.keys()]],
  );
  const swept: SweptRun[] = [];
  for (const row of rows) {
    // Ids come from the database (uuid columns); the folders are this installation's export folder or
    // the schedule's own, so nothing outside them is touched.
    const targets = row.schedule_id
      ? row.folder && isAbsolute(row.folder)
        ? [join(row.folder, partialDirName(row.id))]
        : []
      : [join(exportsSvc.dir, row.organization_id, row.id)];
    const removed: string[] = [];
    for (const target of targets) {
      try {
        await rm(target, { recursive: true, force: true });
        removed.push(target);
      } catch (error) {
        logUnexpectedError(`interrupted export ${row.id} cleanup`, error);
      }
    }
    swept.push({ organizationId: row.organization_id, id: row.id, removed });
  }
  return swept;
}
