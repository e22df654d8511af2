// The desktop's side of server/exports/desktop-files.ts: the system Save and Open dialogs for
// exports, and the pack the app was opened with. Electron's dialog and the parent window come in as
// parameters, so this runs (and is tested) with plain objects; main.ts passes the real ones.
// Every path a dialog or a launch hands back is validated (electron/file-paths.ts) before use, and a
// save is written beside its destination first and renamed into place, so a failed copy leaves
// nothing half-written where the person looks.
import { copyFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { OpenDialogOptions, SaveDialogOptions } from 'electron';
import type { ChosenPack, DesktopFiles, SavableKind, SaveResult } from '../server/exports/desktop-files';
import { checkFolderPath, checkPackPath, checkSavePath, EXTENSION, suggestedNameSchema, type PathCheck } from './file-paths';

export interface DialogLike<W> {
  showSaveDialog(window: W, options: SaveDialogOptions): Promise<{ canceled: boolean; filePath?: string }>;
  showOpenDialog(window: W, options: OpenDialogOptions): Promise<{ canceled: boolean; filePaths: string[] }>;
}

export interface DesktopFileDeps<W> {
  dialog: DialogLike<W>;
  /** The window the dialog belongs to (the one whose page asked). */
  window: W;
  /** Where the Save dialog starts (the person's Documents folder). */
  defaultFolder: string;
  /** Folders nothing is ever saved into (the app's data folder). */
  protectedFolders: string[];
  launchPacks: LaunchPacks;
}

const FILTERS: Record<SavableKind, { name: string; extensions: string[] }> = {
  csv: { name: 'CSV', extensions: ['csv'] },
  pdf: { name: 'PDF', extensions: ['pdf'] },
  mdpack: { name: 'Meterdesk export pack', extensions: ['mdpack'] },
};

export function createDesktopFiles<W>(deps: DesktopFileDeps<W>): DesktopFiles {
  return {
    async saveCopy({ sourcePath, suggestedName, kind }): Promise<SaveResult> {
      if (!(kind in FILTERS)) return { saved: false, reason: 'Meterdesk cannot save this kind of file.' };
      const name = suggestedNameSchema.safeParse(suggestedName).success ? suggestedName : `meterdesk-export${EXTENSION[kind]}`;
      const answer = await deps.dialog.showSaveDialog(deps.window, {
        title: 'Save export',
        defaultPath: join(deps.defaultFolder, name),
        filters: [FILTERS[kind]],
        properties: ['createDirectory', 'showOverwriteConfirmation'],
      });
      if (answer.canceled || !answer.filePath) return { saved: false };
      const checked = checkSavePath(answer.filePath, kind, { protectedFolders: deps.protectedFolders, sourcePath });
      if (!checked.ok) return { saved: false, reason: checked.message };
      const partial = `${checked.path}.meterdesk-partial`;
      try {
        await copyFile(sourcePath, partial);
        await rename(partial, checked.path);
      } catch (error) {
        await rm(partial, { force: true }).catch(() => {});
        return { saved: false, reason: copyFailure(error) };
      }
      return { saved: true, path: checked.path };
    },
    async choosePack(): Promise<ChosenPack> {
      const answer = await deps.dialog.showOpenDialog(deps.window, {
        title: 'Open export pack',
        properties: ['openFile'],
        filters: [FILTERS.mdpack],
      });
      if (answer.canceled || answer.filePaths.length === 0) return { canceled: true };
      return toChosen(checkPackPath(answer.filePaths[0]));
    },
    async chooseFolder() {
      const answer = await deps.dialog.showOpenDialog(deps.window, {
        title: 'Folder for monthly exports',
        defaultPath: deps.defaultFolder,
        properties: ['openDirectory', 'createDirectory'],
      });
      if (answer.canceled || answer.filePaths.length === 0) return { canceled: true };
      return toChosen(checkFolderPath(answer.filePaths[0], { protectedFolders: deps.protectedFolders }));
    },
    takeLaunchPack: () => deps.launchPacks.take() ?? { refused: 'No export pack is waiting to be opened: choose one with "Open export pack".' },
  };
}

function toChosen(check: PathCheck): ChosenPack {
  return check.ok ? { path: check.path } : { refused: check.message };
}

function copyFailure(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOSPC') return 'The disk is full: free some space, or save somewhere else.';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return 'Meterdesk may not write in that folder: choose another one.';
  if (code === 'ENOENT') return 'The export’s file or the chosen folder is gone: export again, or choose another folder.';
  return 'The file could not be saved there: choose another folder.';
}

/** The pack the app was opened with, waiting for the console to ask for it (once). */
export interface LaunchPacks {
  offer(path: string): void;
  take(): ChosenPack | undefined;
}

export function createLaunchPacks(): LaunchPacks {
  let pending: string | undefined;
  return {
    offer: (path) => void (pending = path),
    take() {
      const path = pending;
      pending = undefined;
      // Checked again when taken: the file may have gone since the launch.
      return path === undefined ? undefined : toChosen(checkPackPath(path));
    },
  };
}
