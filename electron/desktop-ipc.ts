// Serves the tRPC router to the app's windows over Electron IPC (trpc-electron). Every request gets
// the server's own context, built with the desktop session carrier.
import type { BrowserWindow, IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { createIPCHandler, ELECTRON_TRPC_CHANNEL } from 'trpc-electron/main';
import { checkIpcMessage } from './ipc-messages';
import type { MeterdeskApp } from '../server/app';
import type { SessionCarrier } from '../server/auth/session-carrier';
import type { DesktopFiles } from '../server/exports/desktop-files';

export interface DesktopIpcOptions {
  mdApp: Pick<MeterdeskApp, 'router' | 'createContext'>;
  carrier: SessionCarrier;
  windows: BrowserWindow[];
  /** Describes the client in the sessions list, e.g. "Meterdesk 0.1.0 desktop (linux)". */
  userAgent: string;
  /**
   * Whether a message comes from the app's own page in one of its windows. Anything else (which the
   * window's navigation rules should make impossible) is served without the session.
   */
  isTrustedSender(event: IpcMainInvokeEvent): boolean;
  /**
   * Electron's ipcMain (passed in so tests can give a stand-in): the tRPC channel's listener is
   * wrapped so every message is validated (electron/ipc-messages.ts) before the handler sees it.
   */
  ipcMain: Pick<IpcMain, 'listeners' | 'removeListener' | 'on'>;
  /**
   * The system file dialogs for a request from a trusted sender (server/exports/desktop-files.ts);
   * untrusted senders never get them.
   */
  filesFor?(event: IpcMainInvokeEvent): DesktopFiles | undefined;
  /** Told about each dropped message (default: console.warn), never with its content. */
  onDropped?(reason: string): void;
}

/** A carrier for untrusted senders: no session to read, nothing kept. */
const noSession: SessionCarrier = { read: () => undefined, store: () => {}, clear: () => {} };

export function attachDesktopIpc(options: DesktopIpcOptions) {
  const { mdApp, carrier, userAgent, isTrustedSender, ipcMain } = options;
  const before = new Set(ipcMain.listeners(ELECTRON_TRPC_CHANNEL));
  const handler = createIPCHandler({
    router: mdApp.router,
    windows: options.windows,
    // trpc-electron calls this outside its error handling: it must not throw.
    createContext: async ({ event }) => {
      const trusted = safely(() => isTrustedSender(event));
      let files: DesktopFiles | undefined;
      try {
        files = trusted ? options.filesFor?.(event) : undefined;
      } catch {
        files = undefined;
      }
      return mdApp.createContext(trusted ? carrier : noSession, { transport: 'desktop', userAgent, files });
    },
  });
  // trpc-electron registered its listener on the channel: put a validating gate in front of it.
  const dropped = options.onDropped ?? ((reason: string) => console.warn(`Dropped an IPC message: ${reason}`));
  for (const listener of ipcMain.listeners(ELECTRON_TRPC_CHANNEL)) {
    if (before.has(listener)) continue;
    const trpcListener = listener as (event: IpcMainEvent, message: unknown) => void;
    ipcMain.removeListener(ELECTRON_TRPC_CHANNEL, trpcListener);
    ipcMain.on(ELECTRON_TRPC_CHANNEL, (event: IpcMainEvent, message: unknown, ...extra: unknown[]) => {
      if (extra.length > 0) return dropped('extra arguments');
      const checked = checkIpcMessage(message);
      if (!checked.ok) return dropped(checked.reason);
      trpcListener(event, checked.message);
    });
  }
  return handler;
}

function safely(check: () => boolean): boolean {
  try {
    return check();
  } catch {
    return false;
  }
}
