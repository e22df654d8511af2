// What the desktop app lends a request so an export can be saved, or a pack opened, through the
// system's own file dialogs. The main process implements it (electron/desktop-file-dialogs.ts) with
// Electron's dialog; browser mode has none and downloads/uploads instead. server/ never sees Electron.
export type SavableKind = 'csv' | 'pdf' | 'mdpack';

export type SaveResult = { saved: true; path: string } | { saved: false; reason?: string };
export type ChosenPack = { path: string } | { canceled: true } | { refused: string };
export type ChosenFolder = ChosenPack;

export interface DesktopFiles {
  /** Asks where to save (the system Save dialog) and copies the finished file there. */
  saveCopy(request: { sourcePath: string; suggestedName: string; kind: SavableKind }): Promise<SaveResult>;
  /** Asks for a .mdpack (the system Open dialog); the chosen path once validated. */
  choosePack(): Promise<ChosenPack>;
  /** Asks for a folder (the system Open dialog, folders only) for scheduled exports; validated. */
  chooseFolder(): Promise<ChosenFolder>;
  /** The pack the app was opened with (file association, second launch), handed out once. */
  takeLaunchPack(): ChosenPack;
}
