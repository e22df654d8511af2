// The finished file of an export, for its download (browser mode's GET /api/exports/:id/file).
import { existsSync } from 'node:fs';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import { findVisibleRun } from './get-export-progress';

export async function findExportDownload(db: Database, actor: Actor, runId: string) {
  const run = await findVisibleRun(db, actor, runId);
  if (run.status !== 'succeeded' || !run.filePath || !run.fileName || run.scheduleId) throw new AppError('NOT_FOUND', 'That export has no file to download.');
  if (!existsSync(run.filePath)) throw new AppError('NOT_FOUND', 'That export’s file is no longer on this machine: export it again.');
  return { path: run.filePath, fileName: run.fileName, kind: run.kind };
}
