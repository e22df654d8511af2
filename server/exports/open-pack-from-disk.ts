// Desktop "Open export pack": the pack chosen in the system Open dialog, or the one the app was
// opened with (.mdpack file association), checked exactly as browser mode checks an uploaded one —
// against its manifest and signature, with no database read or written.
import { AppError } from '../errors';
import type { DesktopFiles } from './desktop-files';
import type { ExportServices } from './export-services';
import { openExportPack } from './export-pack';
import { installationSigningKey } from './installation-signing-key';

export async function openPackFromDisk(exportsSvc: Pick<ExportServices, 'keychain' | 'env'>, files: DesktopFiles | undefined, source: 'dialog' | 'launch') {
  if (!files) throw new AppError('PRECONDITION_FAILED', 'Opening a pack from disk is for the desktop app; in the browser, choose the file with "Open export pack".');
  const chosen = source === 'dialog' ? await files.choosePack() : files.takeLaunchPack();
  if ('canceled' in chosen) return { opened: false as const };
  if ('refused' in chosen) throw new AppError('BAD_REQUEST', chosen.refused);
  const key = await installationSigningKey(exportsSvc.keychain, exportsSvc.env, { create: false }).catch(() => null);
  return { opened: true as const, pack: await openExportPack(chosen.path, key?.publicKey ?? null) };
}
