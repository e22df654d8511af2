// Desktop "Save as…": the finished export (the same file browser mode downloads, with the same rule
// on who may have it) is copied by the main process to where the person chose in the system dialog.
// The source must be inside this installation's exports folder: a run row naming any other path
// (the database is shared) is refused rather than copied.
import { isAbsolute, relative, resolve } from 'node:path';
import type { Database } from '../db/open-database';
import { AppError } from '../errors';
import type { Actor } from '../members/member-scope';
import type { DesktopFiles, SavableKind } from './desktop-files';
import type { ExportServices } from './export-services';
import { findExportDownload } from './find-export-download';

export function isInside(folder: string, path: string): boolean {
  const rel = relative(resolve(folder), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

export async function saveExportCopy(db: Database, exportsSvc: Pick<ExportServices, 'dir'>, files: DesktopFiles | undefined, actor: Actor, runId: string) {
  // Looked up first: another organization's or person's run is NOT_FOUND on every transport.
  const file = await findExportDownload(db, actor, runId);
  if (!files) throw new AppError('PRECONDITION_FAILED', 'Saving through the system dialog is for the desktop app; in the browser, use Download.');
  if (!isInside(exportsSvc.dir, file.path)) throw new AppError('NOT_FOUND', 'That export’s file is not in this installation’s exports folder: export it again here.');
  const kind: SavableKind = file.kind === 'usage_pdf' ? 'pdf' : file.kind === 'usage_pack' ? 'mdpack' : 'csv';
  const result = await files.saveCopy({ sourcePath: file.path, suggestedName: file.fileName, kind });
  if (!result.saved && result.reason) throw new AppError('BAD_REQUEST', result.reason);
  return result.saved ? { saved: true as const, path: result.path } : { saved: false as const };
}
